"""Fee collection: money in cents, the ledger, collection rates, the dunning ladder and the
limitation clock."""
