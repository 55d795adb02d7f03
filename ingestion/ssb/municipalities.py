"""Names of the municipalities this service covers (codes valid from 1 January 2024, DOMAIN.md).

Only for messages: the codes that are queried live in queries.yaml, and old 30xx/06xx codes are
mapped by the versioned mapping in dbt.
"""

MUNICIPALITY_NAMES: dict[str, str] = {
    "3301": "Drammen",
    "3303": "Kongsberg",
    "3305": "Ringerike",
    "3310": "Hole",
    "3312": "Lier",
    "3314": "Øvre Eiker",
    "3316": "Modum",
    "3318": "Krødsherad",
    "3320": "Flå",
    "3322": "Nesbyen",
    "3324": "Gol",
    "3326": "Hemsedal",
    "3328": "Ål",
    "3330": "Hol",
    "3332": "Sigdal",
    "3334": "Flesberg",
    "3336": "Rollag",
    "3338": "Nore og Uvdal",
    "3236": "Jevnaker",
}
