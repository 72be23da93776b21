"""A ticket's conversation: comments internal to the desk or public to the reporter; an
edit keeps the earlier text as a version; a comment is never deleted (it is evidence), only
redacted with a reason."""
