"""Pure domain logic: no Alexa types, no I/O. Everything here is testable with plain values."""
