"""The contract's terms ticketing enforces, each with its clause, as people look them up."""
