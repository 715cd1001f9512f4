# Helpers available to every template as data.postee.<name> (import data.postee or call
# data.postee.with_default(...)). Same names and meaning as Go Postee's common.rego.
package postee

# a when flag is true, b when it is false
by_flag(a, b, flag) := a if flag

by_flag(a, b, flag) := b if flag == false

# picks a for column 1 and b for column 2
duplicate(a, b, col) := a if col == 1

duplicate(a, b, col) := b if col == 2

# the smaller of a and b
clamp(a, b) := b if a > b

clamp(a, b) := a if a <= b

# one level of nesting removed: [[1, 2], [3]] -> [1, 2, 3]
flat_array(a) := [item | item := a[_][_]]

# obj[prop] when it is set and truthy, else default_value
with_default(obj, prop, default_value) := default_value if not obj[prop]

with_default(obj, prop, default_value) := obj[prop] if obj[prop]
