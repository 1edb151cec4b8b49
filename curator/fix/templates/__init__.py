"""Templates: user-written Jinja text with slots and perturbations that make near neighbours of a failure."""

from curator.fix.templates.rendering import Rendered, TemplateRenderer
from curator.fix.templates.spec import Slot, TemplateSpec, Variant, ZippedSlots, spec_from_dict

__all__ = ["Rendered", "Slot", "TemplateRenderer", "TemplateSpec", "Variant", "ZippedSlots", "spec_from_dict"]
