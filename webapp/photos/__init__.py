"""Field photos: validation and clean re-encoding of pictures uploaded from officers' phones."""
