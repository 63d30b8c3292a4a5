"""Turning a validated ID number into the stored columns of a Talent (ciphertext, look-up hash, masked forms)."""

from __future__ import annotations

from talentpool.core.crypto import encrypt_text, lookup_hash, mask_id_number


def talent_identity_columns(*, id_type: str, id_number: str) -> dict[str, str]:
    """``id_number`` must already be normalised and validated (see ``talentpool.engines.identity``)."""
    return {
        "id_type": id_type,
        "id_number_encrypted": encrypt_text(id_number),
        "id_lookup": talent_id_lookup(id_type=id_type, id_number=id_number),
        "id_masked": mask_id_number(id_number),
        "id_tail": id_number[-4:],
    }


def talent_id_lookup(*, id_type: str, id_number: str) -> str:
    return lookup_hash(id_type, id_number)
