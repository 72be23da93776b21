"""Assets (CMDB): typed by kind, related to each other, with end-of-life status."""
