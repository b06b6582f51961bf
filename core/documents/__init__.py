"""Pure rules of the paper the service centre hands out: amounts in Chinese capitals, document
numbers, the placeholders each letter offers, the order of a door-to-door round."""
