"""The generated ribbon XML validates against Microsoft's customUI14.xsd, checked by a validator we
did not write (the xmlschema package). The schema is Microsoft's file, unmodified (see
tests/data/README.md)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from addin.xlam.build import ribbon

SCHEMA_PATH = Path(__file__).parent / "data" / "customui14.xsd"
SCHEMA_SHA256 = "c912e38f6938d79af9d1dc83a05077510f7bb407da386a52e7cfcb13e8afdfd5"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    # default options: XSD 1.0, validation="strict" (any problem in the schema itself raises)
    return xmlschema.XMLSchema(SCHEMA_PATH)


def test_schema_is_microsofts_file_unmodified(schema):
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert schema.target_namespace == ribbon.NAMESPACE
    assert schema.validation == "strict" and not schema.all_errors


def test_generated_ribbon_validates(schema):
    xml = ribbon.ribbon_xml().decode("utf-8")
    errors = [str(e) for e in schema.iter_errors(xml)]
    assert errors == []
    schema.validate(xml)


def _with_first_button(change) -> str:
    """The generated ribbon with `change` applied to its first button."""
    ET.register_namespace("", ribbon.NAMESPACE)
    root = ET.fromstring(ribbon.ribbon_xml())
    change(next(root.iter(f"{{{ribbon.NAMESPACE}}}button")))
    return ET.tostring(root, encoding="unicode")


@pytest.mark.parametrize("change, expected", [
    (lambda b: b.set("size", "huge"), "size='huge'"),  # ST_Size: normal or large
    (lambda b: b.set("colour", "red"), "'colour' attribute not allowed"),
    (lambda b: b.set("label", "x" * 1025), "cannot be greater than 1024"),  # ST_String
    (lambda b: b.set("id", "1-not-an-NCName"), "id='1-not-an-NCName'"),  # ST_UniqueID (xsd:ID)
    (lambda b: ET.SubElement(b, f"{{{ribbon.NAMESPACE}}}tab"), "Unexpected child"),  # no children
], ids=["size-huge", "unknown-attribute", "label-too-long", "bad-id", "child-element"])
def test_broken_ribbon_is_rejected(schema, change, expected):
    xml = _with_first_button(change)
    errors = list(schema.iter_errors(xml))
    assert errors, "the schema accepted a broken ribbon"
    assert expected in errors[0].reason
    assert errors[0].path == "/customUI/ribbon/tabs/tab/group[1]/button[1]"
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(xml)
