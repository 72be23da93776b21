"""The demo year (`opspact demo load`): a tenant's contract lived through, deterministic
for a seed, and sent through the services' own APIs so every figure the product derives
from it — attainment, breaches, damages, interest, attendance — is computed by the
product. `history` says what happened (pure, no I/O); `loader` tells the services.

Every name in it is a placeholder (工程师甲…); companies and bodies are the contracts'."""
