"""The client's sign-off (签收/验收) of what the vendor hands over: a deliverable's version or
an archived report, accepted or rejected with a reason, bound to the SHA-256 of exactly the
bytes signed."""
