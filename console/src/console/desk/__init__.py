"""The duty desk: what vendor engineers and managers work in all day."""
