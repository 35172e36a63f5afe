"""The ribbon XML (customUI, Office 2010+ namespace) generated from the command registry."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from addin.commands.registry import (
    COMMANDS,
    CUSTOMUI_NAMESPACE,
    GROUPS,
    TAB_ID,
    TAB_LABEL_VI,
    by_group,
    menus_of,
)
from addin.xlam import vba

NAMESPACE = CUSTOMUI_NAMESPACE
PART_NAME = "customUI/customUI14.xml"
# the relationship type of a customUI14 part (MS-OI29500 3.4.1.4, "CustomUI2 part")
RELATIONSHIP_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def ribbon_xml() -> bytes:
    """The customUI14.xml part: one tab, one group per registry group, one button per command, and each
    registry menu as a dynamicMenu whose items Python gives each time it opens (getContent)."""
    ET.register_namespace("", NAMESPACE)
    q = lambda tag: f"{{{NAMESPACE}}}{tag}"  # noqa: E731
    root = ET.Element(q("customUI"))
    tab = ET.SubElement(ET.SubElement(ET.SubElement(root, q("ribbon")), q("tabs")), q("tab"),
                        id=TAB_ID, label=TAB_LABEL_VI)
    for group in GROUPS:
        commands = by_group(group.id)
        menus = menus_of(group.id)
        if not commands and not menus:
            continue
        g = ET.SubElement(tab, q("group"), id=group.id, label=group.label_vi)
        for c in commands:
            ET.SubElement(g, q("button"), {
                "id": c.id,
                "label": c.label_vi,
                "size": "large" if c.large else "normal",
                "imageMso": c.image_mso,
                "screentip": c.label_vi,
                "supertip": c.tooltip_vi,
                "onAction": vba.ON_ACTION,
                "getEnabled": vba.GET_ENABLED,
            })
        for m in menus:
            ET.SubElement(g, q("dynamicMenu"), {
                "id": m.id,
                "label": m.label_vi,
                "size": "large",
                "imageMso": m.image_mso,
                "screentip": m.label_vi,
                "supertip": m.tooltip_vi,
                "getContent": vba.GET_CONTENT,
                "invalidateContentOnDrop": "true",  # asked again each time it opens: a type just dropped in
            })
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def button_ids(xml: bytes) -> list[str]:
    """The ids of the buttons in a customUI part (used to check a built add-in)."""
    root = ET.fromstring(xml)
    return [b.get("id", "") for b in root.iter(f"{{{NAMESPACE}}}button")]


def callbacks(xml: bytes) -> set[str]:
    """Every callback name the part refers to (onAction, getEnabled, ...)."""
    root = ET.fromstring(xml)
    names = set()
    for el in root.iter():
        for attr, value in el.attrib.items():
            if attr == "onAction" or attr.startswith("get") or attr == "onLoad":
                names.add(value)
    return names


__all__ = ["NAMESPACE", "PART_NAME", "RELATIONSHIP_TYPE", "ribbon_xml", "button_ids", "callbacks", "COMMANDS"]
