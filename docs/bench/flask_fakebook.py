#!/usr/bin/python3
"""The tutorial's FakeBook as a Flask + Authlib resource server: GET /books
behind Authlib's ResourceProtector with JWT bearer validation, as the Flask
API tutorials write it (the issuer's JWKS fetched once at start; exp, aud
and iss required; the route's scope checked by the protector).

It is the yardstick of docs/bench/compare.sh, not part of oauthlab:

    ISSUER=http://127.0.0.1:9471 AUDIENCE=http://127.0.0.1:9401/ PORT=5072 \
        /usr/bin/python3 docs/bench/flask_fakebook.py

Debian: apt-get install python3-flask python3-authlib.
"""

import json
import os
from urllib.request import urlopen

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.jose.rfc7517.jwk import JsonWebKey
from authlib.oauth2.rfc7523 import JWTBearerTokenValidator
from flask import Flask, jsonify

ISSUER = os.environ["ISSUER"]
AUDIENCE = os.environ["AUDIENCE"]
PORT = int(os.environ.get("PORT", "5000"))


class IssuerJWTBearerTokenValidator(JWTBearerTokenValidator):
    """Validates the issuer's JWT access tokens with its published keys."""

    def __init__(self, issuer, audience):
        with urlopen(issuer + "/.well-known/openid-configuration", timeout=10) as r:
            jwks_uri = json.load(r)["jwks_uri"]
        with urlopen(jwks_uri, timeout=10) as r:
            public_key = JsonWebKey.import_key_set(json.load(r))
        super().__init__(public_key)
        self.claims_options = {
            "exp": {"essential": True},
            "aud": {"essential": True, "value": audience},
            "iss": {"essential": True, "value": issuer},
        }


class FakeBook:
    def __init__(self, id, title, author, cost, num_pages):
        self.id, self.title, self.author = id, title, author
        self.cost, self.num_pages = cost, num_pages

    def to_json(self):
        return {"id": self.id, "title": self.title, "author": self.author,
                "cost": self.cost, "num_pages": self.num_pages}


books = [
    FakeBook(1, "And Then There Were None", "Agatha Christie", 7.99, 300),
    FakeBook(2, "A Study in Scarlet", "Arthur Conan Doyle", 7.99, 108),
    FakeBook(3, "The Day of the Jackal", "Frederick Forsyth", 9.99, 464),
    FakeBook(4, "The Wisdom of Father Brown", "G.K. Chesterton", 7.99, 136),
    FakeBook(5, "The Poet", "Michael Connelly", 15.90, 528),
]

require_auth = ResourceProtector()
require_auth.register_token_validator(IssuerJWTBearerTokenValidator(ISSUER, AUDIENCE))

app = Flask(__name__)


@app.route("/books")
@require_auth("fakebookapi.read")
def get_books():
    return jsonify([b.to_json() for b in books])


@app.route("/api/public")
def public():
    return jsonify(message="Hello from a public endpoint! You don't need to be authenticated to see this.")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=PORT)
