# The event as received (plus input.postee), sent as compact JSON.
package postee.rawmessage.json

title := "-"

result := input
