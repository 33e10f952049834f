"""The school document store's pages and the resource catalogue of teaching materials.

Where the store lives: its model, `SchoolDocument`, stays in apps/orders. Signing an order
files the signed copy in the same transaction that numbers the order (apps/orders/services.py),
and the document keeps a protected link to its order; moving the model here would take a
state-only migration in two apps and a foreign key back into orders, for no change in
behaviour. This app owns everything the store does beyond that: the upload page, the
categories and visibility as the user picks them, the version history (`DocumentVersion`),
search, the public page of the school without login; and the catalogue (`Resource`).
"""
