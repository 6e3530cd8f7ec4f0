"""ASK SDK handlers: thin translations between Alexa requests and the domain."""
