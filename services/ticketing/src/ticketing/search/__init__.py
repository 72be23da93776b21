"""Finding tickets by their words: the index (`index`) and the list's filters (`filters`)."""
