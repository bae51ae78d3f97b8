"""What analysts type, read into values: amounts ("nearly $300m"), periods ("for the next two years"),
approximation words, instruments and qualifiers, and `build` (the one place where a claim's typed
fields become a Claim, every problem collected at its place)."""
