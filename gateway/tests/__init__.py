# A package so pytest (importlib mode) names these modules `tests.*` rather than
# `gateway.tests.*`, which would shadow the installed `gateway` package.
