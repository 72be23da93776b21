"""zh-CN templates: rendering, Shanghai times, SMS segments, the sandbox."""

import pytest
from notify import catalogue, rendering
from notify.templates.service import provider_texts


def render(name: str, data: dict) -> rendering.Rendered:
    template = catalogue.TEMPLATES[name]
    return rendering.render(template.fields, template.text, data)


def test_ticket_created_reads_in_chinese_with_shanghai_time():
    out = render("ticket_created", {"kind": "incident", "priority": "p1", "number": "XJ-20261121-0001",
                                    "system_name": "交管12123缴费", "system": "12123-fees",
                                    "title": "缴费失败", "created_at": "2026-11-21T16:05:00+00:00"})
    assert out.text == ("故障XJ-20261121-0001（重大）交管12123缴费：缴费失败，"
                        "2026-11-22 00:05报告，请及时响应。")
    assert out.fields["time"] == "2026-11-22 00:05" and out.fields["priority"] == "重大"


def test_unknown_labels_pass_through_and_long_titles_are_cut():
    out = render("ticket_created", {"kind": "other", "priority": "p9", "number": "N-1", "system": "s",
                                    "system_name": None, "title": "很长的标题" * 10,
                                    "created_at": "2026-01-01T00:00:00Z"})
    assert out.text.startswith("otherN-1（p9）s：" + "很长的标题" * 3 + "很长的标…，2026-01-01 08:00报告")


def test_every_builtin_sample_fits_its_segments():
    """One segment each, but for a template that says why it needs more (a link)."""
    for template in catalogue.TEMPLATES.values():
        if template.email_only:
            continue  # never an SMS
        out = rendering.render(template.fields, template.text, template.sample)
        assert rendering.sms_segments("运维服务台", out.text) <= template.segments, (template.name, out.text)
    assert sorted(t.name for t in catalogue.TEMPLATES.values() if t.segments > 1) == ["follow_up_request"]


def test_segments_70_then_67():
    sign = "运维服务台"  # 【运维服务台】 is 7 characters
    assert rendering.sms_segments(sign, "字" * 63) == 1
    assert rendering.sms_segments(sign, "字" * 64) == 2  # 71 characters
    assert rendering.sms_segments(sign, "字" * (134 - 7)) == 2
    assert rendering.sms_segments(sign, "字" * (135 - 7)) == 3


def test_missing_data_is_an_error_naming_the_field():
    with pytest.raises(rendering.RenderError, match="'number'"):
        render("ticket_created", {"kind": "incident", "priority": "p1"})


def test_sandbox_keeps_templates_away_from_python():
    with pytest.raises(rendering.RenderError):
        rendering.render([("x", "{{ ''.__class__.__mro__[1].__subclasses__() }}")], "{{ x }}", {})


def test_provider_texts_name_and_number_the_fields():
    template = catalogue.TEMPLATES["sla_warning"]
    texts = provider_texts(list(template.fields), template.text)
    assert texts["alibaba"] == "工单${number}${clock}时限将于${due}到期：${title}，请抓紧处理。"
    assert texts["tencent"] == "工单{1}{2}时限将于{3}到期：{4}，请抓紧处理。"


def test_a_mail_only_template_is_refused_on_an_sms_level():
    from notify.tenant_settings import NotifyTenantSettings
    rule = {"name": "邮件答复", "events": ["ticketing.ticket.mail_reply.v1"], "template": "mail_reply",
            "levels": [{"to": ["address:to"], "channels": ["email"]}]}
    assert NotifyTenantSettings.model_validate({"rules": [rule]}).rules[0].template == "mail_reply"
    rule["levels"][0]["channels"] = ["email", "sms"]
    with pytest.raises(ValueError, match="email only"):
        NotifyTenantSettings.model_validate({"rules": [rule]})
    with pytest.raises(ValueError, match="address:<event field>"):
        NotifyTenantSettings.model_validate({"rules": [{**rule, "levels": [
            {"to": ["address:Bad-Field"], "channels": ["email"]}]}]})
