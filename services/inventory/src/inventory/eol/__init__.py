"""Software end of life: a curated, dated catalogue with the source of every date."""
