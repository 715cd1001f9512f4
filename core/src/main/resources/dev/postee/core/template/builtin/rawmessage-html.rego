# The event pretty-printed inside an HTML <pre> block.
package postee.rawmessage.html

title := "Raw Message Received"

result := sprintf("<pre><code>%s</code></pre>", [jsonformat(input)])
