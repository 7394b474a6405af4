"""Recognising the hiring system behind a careers URL a user pasted.

The URLs are real ones from the reference lists (employers.md, ats-formats.md,
domain.md, fixtures/real/SOURCES.md): a user pastes whatever page they are on, so
job pages, search pages and API endpoints of one board must all give the same entry.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from researchjobs.recognise import source_from_url
from researchjobs.sources import FAMILY_PARAMS, ID_PATTERN, parse_entry

WD = "myworkdayjobs.com"

REAL_URLS: list[tuple[str, str, dict[str, Any]]] = [
    # Workday: board, job page with a locale segment, cxs API path (employers.md §1, §3; domain.md §5)
    (
        "https://iqvia.wd1.myworkdayjobs.com/IQVIA",
        "workday",
        {"host": f"iqvia.wd1.{WD}", "tenant": "iqvia", "site": "IQVIA"},
    ),
    (
        "https://iqvia.wd1.myworkdayjobs.com/en-US/IQVIA/job/Reading-Berkshire-United-Kingdom/"
        "Clinical-Research-Associate---Ireland_R1514135",
        "workday",
        {"host": f"iqvia.wd1.{WD}", "tenant": "iqvia", "site": "IQVIA"},
    ),
    (
        "https://massgeneralbrigham.wd1.myworkdayjobs.com/wday/cxs/massgeneralbrigham/MGBExternal/jobs",
        "workday",
        {"host": f"massgeneralbrigham.wd1.{WD}", "tenant": "massgeneralbrigham", "site": "MGBExternal"},
    ),
    (
        "https://syneoshealth.wd12.myworkdayjobs.com/syneos_health_external_site",
        "workday",
        {"host": f"syneoshealth.wd12.{WD}", "tenant": "syneoshealth", "site": "syneos_health_external_site"},
    ),
    (
        "https://spectrumhealth.wd5.myworkdayjobs.com/corewellhealthcareers",
        "workday",
        {"host": f"spectrumhealth.wd5.{WD}", "tenant": "spectrumhealth", "site": "corewellhealthcareers"},
    ),
    (
        "https://fhi.wd1.myworkdayjobs.com/FHI_360_External_Career_Portal",
        "workday",
        {"host": f"fhi.wd1.{WD}", "tenant": "fhi", "site": "FHI_360_External_Career_Portal"},
    ),
    # Greenhouse: API, embed, new and old hosted boards (employers.md §2, §4; ats-formats.md §1)
    (
        "https://boards-api.greenhouse.io/v1/boards/headlandsresearch/jobs",
        "greenhouse",
        {"board": "headlandsresearch"},
    ),
    (
        "https://boards.greenhouse.io/embed/job_board?for=annexonbioscience",
        "greenhouse",
        {"board": "annexonbioscience"},
    ),
    (
        "https://job-boards.greenhouse.io/personalisinc/jobs/7637528003",
        "greenhouse",
        {"board": "personalisinc"},
    ),
    ("https://boards.greenhouse.io/tempus", "greenhouse", {"board": "tempus"}),
    # Lever (employers.md §1; ats-formats.md §2, including the EU instance)
    ("https://jobs.lever.co/endpointclinical", "lever", {"site": "endpointclinical"}),
    ("https://api.lever.co/v0/postings/veeva?mode=json", "lever", {"site": "veeva"}),
    ("https://api.eu.lever.co/v0/postings/veeva", "lever", {"site": "veeva", "eu": True}),
    # Ashby (fixtures/real/ashby: board wealth-com)
    ("https://jobs.ashbyhq.com/wealth-com", "ashby", {"board": "wealth-com"}),
    (
        "https://api.ashbyhq.com/posting-api/job-board/wealth-com?includeCompensation=true",
        "ashby",
        {"board": "wealth-com"},
    ),
    # SmartRecruiters (employers.md §1, §4; fixtures/real/smartrecruiters)
    ("https://careers.smartrecruiters.com/psicro", "smartrecruiters", {"company": "psicro"}),
    ("https://jobs.smartrecruiters.com/AbbVie/3743990013048096", "smartrecruiters", {"company": "AbbVie"}),
    (
        "https://api.smartrecruiters.com/v1/companies/HireVue/postings",
        "smartrecruiters",
        {"company": "HireVue"},
    ),
    # USAJOBS: the web search and the API (ats-formats.md §6)
    (
        "https://www.usajobs.gov/Search/Results?k=clinical%20research&j=0601",
        "usajobs",
        {"keyword": "clinical research", "series": "0601"},
    ),
    (
        "https://data.usajobs.gov/api/search?Keyword=clinical+research&JobCategoryCode=0640&Organization=HE38",
        "usajobs",
        {"keyword": "clinical research", "series": "0640", "organization": "HE38"},
    ),
    # Oracle Recruiting Cloud (fixtures/real/SOURCES.md: ejov.fa.ca2.oraclecloud.com …/sites/CX/)
    (
        "https://ejov.fa.ca2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX/",
        "oracle",
        {"host": "ejov.fa.ca2.oraclecloud.com", "site": "CX"},
    ),
    (
        "https://ejov.fa.ca2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX/job/12345",
        "oracle",
        {"host": "ejov.fa.ca2.oraclecloud.com", "site": "CX"},
    ),
    (
        "https://ejov.fa.ca2.oraclecloud.com/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
        "?onlyData=true&finder=findReqs;siteNumber=CX,limit=25,offset=0",
        "oracle",
        {"host": "ejov.fa.ca2.oraclecloud.com", "site": "CX"},
    ),
    # iCIMS: classic portal and a Jibe careers site (ats-formats.md §8)
    (
        "https://careers-wipfli.icims.com/jobs/search?ss=1&in_iframe=1",
        "icims",
        {"host": "careers-wipfli.icims.com"},
    ),
    ("https://careers.medpace.com/api/jobs", "icims", {"host": "careers.medpace.com"}),
    # Feeds: PeopleAdmin, Paycor, HigherEdJobs RSS, YM Careers RSS (ats-formats.md §11)
    (
        "https://unc.peopleadmin.com/postings/all_jobs.atom",
        "feeds",
        {"url": "https://unc.peopleadmin.com/postings/all_jobs.atom"},
    ),
    (
        "https://unc.peopleadmin.com/postings/314245",
        "feeds",
        {"url": "https://unc.peopleadmin.com/postings/all_jobs.atom"},
    ),
    (
        "https://recruitingbypaycor.com/career/CareerAtomFeed.action?clientId=8a788267543c64a8015453881fd50633",
        "feeds",
        {
            "url": "https://recruitingbypaycor.com/career/CareerAtomFeed.action?clientId=8a788267543c64a8015453881fd50633"
        },
    ),
    (
        "https://www.higheredjobs.com/rss/categoryFeed.cfm?catID=148",
        "feeds",
        {"url": "https://www.higheredjobs.com/rss/categoryFeed.cfm?catID=148"},
    ),
    (
        "https://main.hercjobs.org/jobs/?display=rss&keywords=clinical+research",
        "feeds",
        {"url": "https://main.hercjobs.org/jobs/?display=rss&keywords=clinical+research"},
    ),
    # Phenom: a job page on a documented host, a search page, a bare documented host (employers.md §3; Kp)
    (
        "https://careers.medstarhealth.org/global/en/job/MEHEGLOBALREQ43479ENGLOBAL/"
        "Clinical-Research-Coordinator-II-Oncology",
        "phenom",
        {"url": "https://careers.medstarhealth.org/global/en/search-results"},
    ),
    (
        "https://careers.dukehealth.org/us/en/search-results?keywords=clinical%20research&from=20",
        "phenom",
        {"url": "https://careers.dukehealth.org/us/en/search-results?keywords=clinical+research"},
    ),
    ("https://jobs.chop.edu", "phenom", {"url": "https://jobs.chop.edu/"}),
    # Anything else: a page that may carry schema.org JobPosting (employers.md §3; domain.md §5)
    (
        "https://careersearch.stanford.edu/jobs/clinical-research-coordinator-29618",
        "jsonld",
        {"url": "https://careersearch.stanford.edu/jobs/clinical-research-coordinator-29618"},
    ),
    (
        "https://jobs.nyulangone.org/job/21623399/clinical-research-coordinator-new-york-ny/#apply",
        "jsonld",
        {"url": "https://jobs.nyulangone.org/job/21623399/clinical-research-coordinator-new-york-ny/"},
    ),
    # Taleo Enterprise career sections are the taleo family now (employers.md §3: Pitt)
    (
        "https://cfopitt.taleo.net/careersection/pitt_staff_external/jobsearch.ftl",
        "taleo",
        {"url": "https://cfopitt.taleo.net/careersection/pitt_staff_external/jobsearch.ftl?lang=en"},
    ),
    # Taleo Business Edition job page -> its careers list (fixtures/real/SOURCES.md: NFINDY cws 37)
    (
        "https://phh.tbe.taleo.net/phh04/ats/careers/v2/viewRequisition?org=NFINDY&cws=37&rid=17",
        "taleo",
        {"url": "https://phh.tbe.taleo.net/phh04/ats/careers/v2/searchResults?org=NFINDY&cws=37"},
    ),
    # Enterprise job page with locale and portal (public crawler code for barclays.taleo.net)
    (
        "https://barclays.taleo.net/careersection/ejb/jobdetail.ftl?job=12345&lang=en_gb&portal=150170116559",
        "taleo",
        {"url": "https://barclays.taleo.net/careersection/ejb/jobsearch.ftl?lang=en_gb&portal=150170116559"},
    ),
    # SuccessFactors career site: its RSS feed and a job page (fixtures/real/SOURCES.md: Qorvo)
    (
        "https://careers.qorvo.com/feeds//?locale=en_US",
        "successfactors",
        {"url": "https://careers.qorvo.com", "feed": "https://careers.qorvo.com/feeds//?locale=en_US"},
    ),
    (
        "https://careers.qorvo.com/job/Richardson-Principal-Research-Scientist-TX-75080/1397790900/"
        "?feedId=null&utm_source=J2WRSS&utm_medium=rss&utm_campaign=J2W_RSS",
        "successfactors",
        {"url": "https://careers.qorvo.com"},
    ),
    (
        "https://jobs.sap.com/search/?q=&sortColumn=referencedate&sortDirection=desc&startrow=25",
        "successfactors",
        {"url": "https://jobs.sap.com"},
    ),
    # UKG Pro Recruiting board (public employer careers link: Woolpert)
    (
        "https://recruiting.ultipro.com/WOO1009/JobBoard/97967b39-b3fa-4972-8da3-2af68e0ffa86/?q=&o=postedDateDesc",
        "ultipro",
        {"host": "recruiting.ultipro.com", "tenant": "WOO1009", "board": "97967b39-b3fa-4972-8da3-2af68e0ffa86"},
    ),
    # ADP Workforce Now career centre (public careers link of a Puerto Rico university)
    (
        "https://workforcenow.adp.com/mascsr/default/mdf/recruitment/recruitment.html"
        "?cid=5388a0c5-18fe-449e-b500-098740269275&ccId=19000101_000001&type=JS&lang=en_US",
        "adp",
        {"cid": "5388a0c5-18fe-449e-b500-098740269275", "ccId": "19000101_000001"},
    ),
    # Dayforce candidate portal job page (public crawler code: texasfarm)
    (
        "https://jobs.dayforcehcm.com/en-US/texasfarm/CANDIDATEPORTAL/jobs/634",
        "dayforce",
        {"client": "texasfarm", "board": "CANDIDATEPORTAL"},
    ),
    # Paylocity: boards linked from employers' sites in public code (a name after the GUID, or none)
    (
        "https://recruiting.paylocity.com/recruiting/jobs/All/3e0b08f9-66f1-4617-9a26-159571b53dc2/Numerica-Credit-Union",
        "paylocity",
        {"company": "3e0b08f9-66f1-4617-9a26-159571b53dc2"},
    ),
    (
        "https://recruiting.paylocity.com/Recruiting/Jobs/All/82C2CC31-FE87-4023-AC2B-E0967073CC6B",
        "paylocity",
        {"company": "82c2cc31-fe87-4023-ac2b-e0967073cc6b"},
    ),
    # JazzHR (fixtures/real/SOURCES.md: Paradromics): a job page and the board
    (
        "https://paradromicsinc.applytojob.com/apply/ujxQN2lhPz/Field-Clinical-SpecialistEngineer",
        "jazzhr",
        {"company": "paradromicsinc"},
    ),
    ("https://paradromicsinc.applytojob.com/apply/", "jazzhr", {"company": "paradromicsinc"}),
    # Jobvite (fixtures/real/SOURCES.md: NeoGenomics): a job page, the hosted list, the old careers path
    ("https://jobs.jobvite.com/neogenomics/job/oiiRyfwJ", "jobvite", {"company": "neogenomics"}),
    ("https://jobs.jobvite.com/neogenomics/jobs", "jobvite", {"company": "neogenomics"}),
    ("https://jobs.jobvite.com/careers/neogenomics/jobs?error=404", "jobvite", {"company": "neogenomics"}),
    # Eightfold: the v2 API (fixtures/real/SOURCES.md: Albemarle), a job page, pcsx on a branded host (public code)
    (
        "https://albemarle.eightfold.ai/api/apply/v2/jobs?domain=albemarle.com",
        "eightfold",
        {"host": "albemarle.eightfold.ai", "domain": "albemarle.com"},
    ),
    ("https://albemarle.eightfold.ai/careers/job/1099555326551", "eightfold", {"host": "albemarle.eightfold.ai"}),
    (
        "https://apply.careers.microsoft.com/api/pcsx/search?domain=microsoft.com&query=product&start=0",
        "eightfold",
        {"host": "apply.careers.microsoft.com", "domain": "microsoft.com"},
    ),
    # Personio: career sites on .de and .com named in public code
    ("https://maincubes-1.jobs.personio.de/?language=de", "personio", {"company": "maincubes-1"}),
    (
        "https://coinmerce.jobs.personio.com/job/1001",
        "personio",
        {"company": "coinmerce", "host": "coinmerce.jobs.personio.com"},
    ),
    # Teamtailor (fixtures/real/SOURCES.md: Teamtailor's own career site): the feed and a job page
    ("https://career.teamtailor.com/jobs.json", "teamtailor", {"url": "https://career.teamtailor.com/"}),
    (
        "https://career.teamtailor.com/jobs/7167985-account-executive-italy-madrid-based",
        "teamtailor",
        {"url": "https://career.teamtailor.com/"},
    ),
    # BambooHR: careers list, a job, its detail JSON (fixtures/real/SOURCES.md gives the paths but not
    # the subdomain, so this one is illustrative)
    ("https://lakeshoreclinical.bamboohr.com/careers", "bamboohr", {"company": "lakeshoreclinical"}),
    ("https://lakeshoreclinical.bamboohr.com/careers/97/detail", "bamboohr", {"company": "lakeshoreclinical"}),
    # Workable (fixtures/real/SOURCES.md: account zaelab): board, job, widget and v3 APIs, old subdomain
    ("https://apply.workable.com/zaelab/", "workable", {"account": "zaelab"}),
    ("https://apply.workable.com/zaelab/j/DD136DD7E7/", "workable", {"account": "zaelab"}),
    ("https://apply.workable.com/api/v1/widget/accounts/zaelab?details=true", "workable", {"account": "zaelab"}),
    ("https://apply.workable.com/api/v3/accounts/zaelab/jobs", "workable", {"account": "zaelab"}),
    ("https://zaelab.workable.com/", "workable", {"account": "zaelab"}),
    # Breezy (fixtures/real/breezy: highlights-healthcare, vanguard-ip)
    (
        "https://highlights-healthcare.breezy.hr/p/4e5454ff973b-remote-clinical-supervisor-board-certified"
        "-behavior-analyst-bcba",
        "breezy",
        {"company": "highlights-healthcare"},
    ),
    ("https://vanguard-ip.breezy.hr/json", "breezy", {"company": "vanguard-ip"}),
    # Recruitee (fixtures/real/recruitee: hudsonmanpower)
    (
        "https://hudsonmanpower.recruitee.com/o/senior-informatica-developer-bdm",
        "recruitee",
        {"company": "hudsonmanpower"},
    ),
    ("https://hudsonmanpower.recruitee.com/api/offers/", "recruitee", {"company": "hudsonmanpower"}),
    # Pinpoint (fixtures/real/pinpoint: trilongroup)
    (
        "https://trilongroup.pinpointhq.com/en/postings/6547427b-f71c-4ab8-9023-8b519a110616",
        "pinpoint",
        {"company": "trilongroup"},
    ),
    ("https://trilongroup.pinpointhq.com/postings.json", "pinpoint", {"company": "trilongroup"}),
    # Rippling (fixtures/real/rippling: blackrockneurotech): board, job, list API
    ("https://ats.rippling.com/blackrockneurotech/jobs", "rippling", {"board": "blackrockneurotech"}),
    (
        "https://ats.rippling.com/blackrockneurotech/jobs/c3ca660d-7890-4dea-b7ba-e6d1b387ac73",
        "rippling",
        {"board": "blackrockneurotech"},
    ),
    (
        "https://api.rippling.com/platform/api/ats/v1/board/blackrockneurotech/jobs",
        "rippling",
        {"board": "blackrockneurotech"},
    ),
    # BrassRing Talent Gateways: the gateway's search page (Boston Children's, job-hunter-toolkit
    # internal/services/brassring.go@574abab), a job page (the Link form of that repository's
    # captured Best Buy page), a krb-sjobs gateway (Boots), and an older TGWebHost page with
    # capitalised keys (General Atomics, as public crawler code quotes it)
    (
        "https://sjobs.brassring.com/TGnewUI/Search/Home/Home?partnerid=368&siteid=5205#home",
        "brassring",
        {"partnerid": "368", "siteid": "5205"},
    ),
    (
        "https://sjobs.brassring.com/TGnewUI/Search/home/HomeWithPreLoad?partnerid=25632&siteid=5649"
        "&PageType=JobDetails&jobid=3748750",
        "brassring",
        {"partnerid": "25632", "siteid": "5649"},
    ),
    (
        "https://krb-sjobs.brassring.com/TGnewUI/Search/Home/Home?partnerid=30042&siteid=5807",
        "brassring",
        {"partnerid": "30042", "siteid": "5807", "host": "krb-sjobs.brassring.com"},
    ),
    (
        "https://sjobs.brassring.com/TGWebHost/home.aspx?PartnerId=25539&SiteId=5313&codes=IIND",
        "brassring",
        {"partnerid": "25539", "siteid": "5313"},
    ),
]


@pytest.mark.parametrize(("url", "family", "params"), REAL_URLS, ids=[u[0][:70] for u in REAL_URLS])
def test_real_careers_urls(url: str, family: str, params: dict[str, Any]) -> None:
    source = source_from_url(url)
    assert source.family == family
    assert source.params == params
    assert ID_PATTERN.match(source.id) and source.id.startswith(f"{family}:")
    assert source.employer
    parse_entry(source.to_table())  # what `sources add` will store is a valid entry


def test_every_family_is_covered_by_the_table() -> None:
    assert {family for _, family, _ in REAL_URLS} == set(FAMILY_PARAMS)


def test_ids_are_stable_across_pages_of_one_board() -> None:
    ids = {source_from_url(u).id for u, _, _ in REAL_URLS[:2]}
    assert ids == {"workday:iqvia"}
    mgb = "https://massgeneralbrigham.wd1.myworkdayjobs.com/MGBExternal"
    assert source_from_url(mgb).id == "workday:massgeneralbrigham-mgbexternal"
    usajobs = "https://www.usajobs.gov/Search/Results?k=clinical%20research&j=0601"
    assert source_from_url(usajobs).id == "usajobs:clinical-research-0601"


def test_caller_options_are_kept_and_checked() -> None:
    source = source_from_url(
        "https://boards.greenhouse.io/headlandsresearch",
        employer="Headlands Research",
        employer_type="site_network",
        source_id="greenhouse:headlands",
        search=["clinical research coordinator"],
    )
    assert (source.id, source.employer, source.employer_type) == (
        "greenhouse:headlands",
        "Headlands Research",
        "site_network",
    )
    assert source.search == ["clinical research coordinator"]
    assert source.verified == "unverified"
    with pytest.raises(ValueError, match="employer_type"):
        source_from_url("https://boards.greenhouse.io/x", employer_type="hospital")
    with pytest.raises(ValueError, match="must start with its family"):
        source_from_url("https://boards.greenhouse.io/x", source_id="lever:x")
    with pytest.raises(ValueError, match="family:name"):
        source_from_url("https://boards.greenhouse.io/x", source_id="no id")


BAD_URLS: list[tuple[str, str]] = [
    ("file:///etc/passwd", "http\\(s\\) URL"),
    ("http://127.0.0.1/", "private address"),
    ("http://localhost:8080/jobs", "private host"),
    ("http://10.0.0.5/jobs", "private address"),
    ("http://[::1]/", "private address"),
    ("http://169.254.169.254/latest/meta-data/", "private address"),
    ("http://2130706433/", "private address.*127.0.0.1"),
    ("http://0x7f.0.0.1/", "private address.*127.0.0.1"),
    ("http://127.1/", "private address.*127.0.0.1"),
    ("https://intranet/jobs", "single-label"),
    ("javascript:alert(1)", "http\\(s\\) URL"),
    ("ftp://ftp.example.org/jobs.xml", "http\\(s\\) URL"),
    ("", "no URL given"),
    ("   ", "no URL given"),
    ("not a url", "spaces"),
    ("https://user:secret@boards.greenhouse.io/x", "user name / password"),
    ("https://careers.example.org:8443/jobs", "standard ports"),
    ("https://boards.greenhouse.io/", "no board token"),
    ("https://jobs.lever.co/", "no site name"),
    ("https://iqvia.wd1.myworkdayjobs.com/", "no career-site name"),
    ("https://iqvia.wd1.myworkdayjobs.com/en-US", "is a language"),
    ("https://www.usajobs.gov/job/830216800", "without search terms"),
    ("https://careers.smartrecruiters.com/", "no company identifier"),
    ("https://jobs.ashbyhq.com/", "no board name"),
    ("https://ejov.fa.ca2.oraclecloud.com/hcmUI/", "no career site"),
    ("https://recruitingbypaycor.com/career/CareerHome.action", "without a clientId"),
    ("https://www.icims.com/", "iCIMS's own site"),
    ("https://recruiting.paylocity.com/Recruiting/Jobs/Details/4463447", "without the company GUID"),
    ("https://www.paylocity.com/careers", "not a Paylocity job board"),
    ("https://www.applytojob.com/", "not a JazzHR board"),
    ("https://jobs.jobvite.com/", "no company name"),
    ("https://www.jobvite.com/customers", "not a Jobvite hosted career site"),
    ("https://www.eightfold.ai/", "Eightfold's own site"),
    ("https://x.eightfold.ai/careers?domain=not_a_domain", "is not a domain name"),
    ("https://www.personio.de/", "not a Personio career site"),
    ("https://app.teamtailor.com/", "Teamtailor's own site"),
    ("https://cfopitt.taleo.net/", "no career section"),
    ("https://phh.tbe.taleo.net/phh04/ats/careers/v2/searchResults", "without its careers site"),
    ("https://recruiting.ultipro.com/WOO1009/", "no job board"),
    ("https://workforcenow.adp.com/mascsr/default/mdf/recruitment/recruitment.html", "without its career centre"),
    ("https://jobs.dayforcehcm.com/en-US", "no candidate-portal job board"),
    ("https://www.bamboohr.com/careers", "BambooHR's own site"),
    ("https://apply.workable.com/j/DD136DD7E7", "short link"),
    ("https://apply.workable.com/", "no account name"),
    ("https://jobs.workable.com/view/5Sz2Mnf9VdJsXnPCvoYudJ/captain", "searches every employer"),
    ("https://api.breezy.hr/v3/company/x/positions", "needs a token"),
    ("https://www.breezy.hr/", "Breezy HR's own site"),
    ("https://app.recruitee.com/", "Recruitee's own site"),
    ("https://www.pinpointhq.com/", "Pinpoint's own site"),
    ("https://www.rippling.com/careers", "not a job board"),
    ("https://ats.rippling.com/", "no board name"),
    ("https://sjobs.brassring.com/TGnewUI/Search/Ajax/ProcessSortAndShowMoreJobs", "without its Talent Gateway"),
    ("https://sjobs.brassring.com/TGnewUI/Search/Home/Home?partnerid=368&siteid=x", "without its Talent Gateway"),
]


@pytest.mark.parametrize(("url", "message"), BAD_URLS, ids=[u[0] or "empty" for u in BAD_URLS])
def test_unrecognisable_or_unsafe_urls_say_why(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        source_from_url(url)


_HOSTS = [
    "boards.greenhouse.io",
    "job-boards.greenhouse.io",
    "boards-api.greenhouse.io",
    "jobs.lever.co",
    "api.eu.lever.co",
    "jobs.ashbyhq.com",
    "api.ashbyhq.com",
    "careers.smartrecruiters.com",
    "api.smartrecruiters.com",
    "www.usajobs.gov",
    "data.usajobs.gov",
    "iqvia.wd1.myworkdayjobs.com",
    "wd5.myworkdaysite.com",
    "ejov.fa.ca2.oraclecloud.com",
    "careers-x.icims.com",
    "careers.medpace.com",
    "unc.peopleadmin.com",
    "recruitingbypaycor.com",
    "careers.medstarhealth.org",
    "recruiting.paylocity.com",
    "x.applytojob.com",
    "jobs.jobvite.com",
    "x.eightfold.ai",
    "x.jobs.personio.de",
    "x.jobs.personio.com",
    "x.teamtailor.com",
    "x.bamboohr.com",
    "apply.workable.com",
    "x.breezy.hr",
    "x.recruitee.com",
    "x.pinpointhq.com",
    "ats.rippling.com",
    "api.rippling.com",
    "sjobs.brassring.com",
    "krb-sjobs.brassring.com",
    "example.org",
    "127.0.0.1",
    "[::1]",
    "localhost",
    "x",
    "",
]
_SEGMENTS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "en-US",
                "v1",
                "boards",
                "v0",
                "postings",
                "embed",
                "wday",
                "cxs",
                "jobs",
                "job",
                "hcmUI",
                "CandidateExperience",
                "sites",
                "recruiting",
                "posting-api",
                "job-board",
                "us",
                "en",
                "search-results",
                "rss",
                "all_jobs.atom",
                "feed.xml",
                "api",
                "companies",
                "apply",
                "pcsx",
                "xml",
                "jobs.json",
                "3e0b08f9-66f1-4617-9a26-159571b53dc2",
            ]
        ),
        st.text(max_size=12),
    ),
    max_size=6,
)
_QUERY = st.dictionaries(
    st.sampled_from(["for", "k", "j", "Keyword", "clientId", "finder", "display", "keywords", "x", "domain",
                     "partnerid", "siteid"]),
    st.text(max_size=40),
    max_size=3,
)


@st.composite
def _urlish(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https", "http", "file", "ftp", "", "HTTPS"]))
    host = draw(st.one_of(st.sampled_from(_HOSTS), st.text(max_size=20)))
    path = "/".join(draw(_SEGMENTS))
    query = "&".join(f"{k}={v}" for k, v in draw(_QUERY).items())
    port = draw(st.sampled_from(["", ":443", ":0", ":99999", ":x"]))
    return f"{scheme}://{host}{port}/{path}" + (f"?{query}" if query else "")


def _only_value_errors(text: str) -> None:
    try:
        source = source_from_url(text)
    except ValueError as exc:
        assert str(exc)
        return
    assert source.family in FAMILY_PARAMS
    parse_entry(source.to_table())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_raises_only_value_error(text: str) -> None:
    _only_value_errors(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_urlish())
def test_url_shaped_text_raises_only_value_error(text: str) -> None:
    _only_value_errors(text)
