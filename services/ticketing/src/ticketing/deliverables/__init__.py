"""The deliverables register (交付物): every document or deadline a contract names, its due
date from the contract's dates, the versions uploaded and the client's sign-off of each."""
