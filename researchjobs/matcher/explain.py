"""Reasons in plain words: why a posting scored what it did for this person.

Every stored match carries a short list such as ``+ entry-level CRC``, ``+ cap-exempt
university``, ``− asks 12 months' experience, you have 0``, ``+ Spanish``. A "+" helped
the score, a "−" cost it, a "?" marks a fact the posting does not state. Components that
say nothing useful (a neutral fraction) add no line, so the list stays readable in a
digest. Reasons are built only for the rows that get stored, never for the whole batch.
"""

from __future__ import annotations

import math
from typing import Any

from researchjobs.matcher import gates, weights
from researchjobs.matcher.fit import ProfileContext, Scored
from researchjobs.matcher.frame import Frame, norm_term

FAMILY_LABEL: dict[str, str] = {
    "crc": "CRC",
    "clinical_research_assistant": "clinical research assistant",
    "research_assistant": "research assistant",
    "data_coordinator": "data coordinator",
    "data_manager": "data manager",
    "regulatory": "regulatory coordinator",
    "cta": "clinical trial assistant",
    "recruitment": "patient recruitment role",
    "cra_monitor": "CRA (monitor)",
    "drug_safety": "drug safety role",
    "research_nurse": "research nurse role",
    "msl": "medical science liaison",
    "manager": "manager role",
    "research_fellowship": "research fellowship",
}

EMPLOYER_LABEL: dict[str, str] = {
    "university": "university",
    "academic_medical_centre": "academic medical centre",
    "research_nonprofit": "research nonprofit",
    "childrens_hospital": "children's hospital",
    "health_system": "health system",
    "government_research": "government research body",
    "cro": "CRO",
    "site_network": "research-site network",
    "pharma_biotech": "pharma / biotech company",
}


def _names(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _money(value: float) -> str:
    return f"${value:,.0f}"


def _static(frame: Frame, i: int) -> dict[str, Any]:
    """The profile-independent half of a posting's reasons, worked out once per run: the
    same posting is explained to many profiles."""
    found = frame._terms_cache.get(i)
    if found is not None:
        return found
    row = frame.row(i)
    terms = frame.terms(i)
    family = row.get("role_family")
    required = row.get("experience_required_months")
    if isinstance(required, float) and math.isnan(required):
        required = None
    low, high = row.get("salary_annual_min"), row.get("salary_annual_max")
    published = float(frame.published[i])
    found = {
        "label": FAMILY_LABEL.get(family or "") or f"“{(row.get('title') or '').strip()[:60]}”",
        "level": row.get("role_level"),
        "clinical": row.get("clinical_research"),
        "kind": EMPLOYER_LABEL.get(row.get("employer_type_inferred") or row.get("employer_type") or "", "employer"),
        "cap": row.get("cap_exempt") or "unknown",
        "visa_possible": row.get("visa") == "possible",
        "required": None if required is None else float(required),
        "accepts_clinical": bool(row.get("accepts_clinical")),
        "languages": [(x, norm_term(x)) for x in terms["languages"]],
        "skills": [(x, norm_term(x)) for x in terms["skills"]],
        "required_certs": [(x, norm_term(x)) for x in terms["required"]],
        "preferred_certs": [(x, norm_term(x)) for x in terms["preferred"]],
        "within": [(x, m, norm_term(x)) for x, m in terms["within"]],
        "place": gates.place_of(row),
        "hybrid": row.get("remote") == "hybrid",
        "low": None if low is None else float(low),
        "high": None if high is None else float(high),
        "published": None if math.isnan(published) else published,
    }
    frame._terms_cache[i] = found
    return found


def reasons_for(frame: Frame, i: int, scored: Scored, j: int, ctx: ProfileContext, now_epoch: float) -> list[str]:
    """Plain-word reasons for frame row ``i`` (result row ``j`` of ``scored``)."""
    st = _static(frame, i)
    profile = ctx.profile
    out: list[str] = []

    # role and level
    label, level = st["label"], st["level"]
    level_ok = scored.fractions["level"][j] >= 0.75
    if scored.fractions["role"][j] >= 0.75:
        out.append(f"+ {level}-level {label}" if level and level_ok else f"+ {label}")
    else:
        out.append(f"− {label}: only related to the roles you asked for")
    if ctx.wants_clinical and st["clinical"] == 0:
        out.append("− research outside clinical care (no patients or trials named)")
    if level and not level_ok:
        out.append(f"− {level} level; you have {profile.us_research_months} months of US research")

    # sponsorship outlook, for those who need it
    if profile.needs_sponsorship:
        if st["visa_possible"]:
            out.append("+ offers visa sponsorship")
        cap = st["cap"]
        if cap == "likely":
            out.append(f"+ cap-exempt {st['kind']}")
        elif cap == "possible":
            out.append(f"+ possibly cap-exempt {st['kind']}")
        elif cap == "unlikely":
            out.append(f"− cap-subject {st['kind']} (H-1B lottery)")

    if "sponsor_history" in scored.fractions:
        out.append(_sponsor_reason(frame, i, float(scored.fractions["sponsor_history"][j])))

    # experience
    required = st["required"]
    if required is not None:
        have = float(scored.have_months[j])
        if required <= 0:
            out.append("+ no experience required")
        elif have >= required:
            extra = " counting your clinical work abroad" if st["accepts_clinical"] and profile.clinical_years_abroad > 0 else ""
            out.append(f"+ asks {required:.0f} months' experience, you have {have:.0f}{extra}")
        else:
            out.append(f"− asks {required:.0f} months' experience, you have {have:.0f}")

    # languages
    if st["languages"]:
        common = [x for x, key in st["languages"] if key in ctx.languages_norm]
        out.append(f"+ {_names(common)}" if common else f"− asks {_names([x for x, _k in st['languages']])}")

    # skills and tools
    if st["skills"] and ctx.skills_norm:
        common = [x for x, key in st["skills"] if key in ctx.skills_norm]
        if common:
            out.append(f"+ {_names(common)}")
        elif scored.fractions["skills"][j] < 0.5:
            out.append(f"− no listed tools in common ({_names([x for x, _k in st['skills']])})")

    # certificates
    if st["required_certs"] or st["within"] or st["preferred_certs"]:
        held = ctx.certifications_norm
        later = {key for _x, _m, key in st["within"]}
        missing = [x for x, key in st["required_certs"] if key not in held and key not in later]
        if missing:
            out.append(f"− requires {_names(missing)}")
        obtainable = [(x, m) for x, m, key in st["within"] if key not in held]
        if obtainable:
            name, months = obtainable[0]
            out.append(f"+ {name} can be earned " + (f"within {months} months of hire" if months else "after hire"))
        preferred = [x for x, key in st["preferred_certs"] if key in held]
        if preferred:
            out.append(f"+ you have {_names(preferred)} (preferred)")

    # place
    status = scored.loc_status[j]
    if status == gates.LOC_REMOTE:
        out.append("+ remote")
    elif status == gates.LOC_NEAR:
        miles = float(scored.dist[j])
        where = f"in {st['place']}" if miles < 1.5 else f"{miles:.0f} mi from {ctx.places.labels[scored.nearest[j]]}"
        out.append(f"+ hybrid, {where}" if st["hybrid"] else f"+ {where}")
    elif status == gates.LOC_STATE:
        out.append(f"+ in {st['place']}")
    elif status == gates.LOC_UNKNOWN:
        out.append("? location not stated")

    # pay
    if profile.salary_floor:
        floor = float(profile.salary_floor)
        low, high = st["low"], st["high"]
        if high is not None and high < floor:
            out.append(f"− pays up to {_money(high)}, below your {_money(floor)}")
        elif low is not None and low >= floor:
            out.append(f"+ pays {_money(low)}" + (f"-{_money(high)}" if high else "+"))
        elif low is not None or high is not None:
            out.append(f"− pay may fall below your {_money(floor)} ({_money(low or high or 0)} at the low end)")

    # recency
    if st["published"] is not None:
        days = max(0, int((now_epoch - st["published"]) // 86400))
        if days <= 3:
            out.append("+ posted today" if days == 0 else f"+ posted {days} day{'s' if days > 1 else ''} ago")
        elif days > 30:
            out.append(f"− posted {days} days ago")
    return out


def _sponsor_reason(frame: Frame, i: int, fraction: float) -> str:
    last, research = frame.sponsor_last_fy[i], frame.sponsor_research_fy[i]
    if fraction >= 1.0:
        return f"+ files H-1B LCAs for research titles (FY{int(research)})"
    if fraction >= weights.SPONSOR_ANY:
        return f"+ files H-1B LCAs (FY{int(last)})"
    if not math.isnan(last):
        return f"− last H-1B filing in FY{int(last)}"
    return "− no H-1B filing found for this employer in the imported data"


def gates_for(frame: Frame, i: int, scored: Scored, j: int, ctx: ProfileContext) -> list[dict[str, str]]:
    bits = int(scored.gate_bits[j])
    if not bits:
        return []
    return gates.describe_gates(
        bits,
        frame.row(i),
        ctx.profile,
        ctx.places,
        int(scored.loc_status[j]),
        float(scored.dist[j]),
        int(scored.nearest[j]),
        scored.employer_hits.get(int(frame.employer_idx[i])),
        scored.keyword_hits.get(i),
        frame.sponsor_data_fy,
    )
