from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def is_demo_user(user) -> bool:
    """Is ``user`` one of the demo clinic's accounts?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    from ldncare.web.demo.models import DemoObject

    return DemoObject.objects.filter(kind=DemoObject.Kind.USER, object_pk=user.pk).exists()
