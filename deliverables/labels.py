"""Norwegian labels for mart columns, ids and statuses. Text only; no figures."""

# (column in fct_region_kpis / fct_municipality_kpis, label, format kind)
KPI_GROUPS: dict[str, list[tuple[str, str, str]]] = {
    "Klienter": [
        ("unique_clients", "Unike klienter", "int"),
        ("new_clients", "Nye klienter", "int"),
        ("clients_women", "Klienter, kvinner", "int"),
        ("clients_men", "Klienter, menn", "int"),
        ("clients_sex_unknown", "Klienter, kjønn ukjent", "int"),
        ("clients_age_under_30", "Klienter under 30 år", "int"),
        ("clients_age_30_49", "Klienter 30–49 år", "int"),
        ("clients_age_50_plus", "Klienter 50 år og over", "int"),
        ("clients_age_unknown", "Klienter, alder ukjent", "int"),
        ("clients_immigrant_background", "Klienter med innvandrerbakgrunn", "int"),
        ("share_women_clients", "Andel kvinner blant klientene", "share"),
        ("share_immigrant_clients", "Andel med innvandrerbakgrunn blant klientene", "share"),
        ("clients_per_1000_inhabitants", "Klienter per 1 000 innbyggere", "dec"),
    ],
    "Veiledning": [
        ("guidance_sessions", "Veiledningsmøter", "int"),
        ("guidance_hours", "Veiledningstimer", "dec"),
        ("guidance_clients", "Klienter med veiledning", "int"),
        ("guidance_hours_per_client", "Timer per klient", "dec"),
        ("clients_reached_free_hours_cap", "Klienter som nådde taket for gratis timer", "int"),
        ("digital_share_of_guidance_sessions", "Digital andel av veiledningsmøtene", "share"),
    ],
    "Kurs": [
        ("basic_courses_held", "Grunnkurs holdt", "int"),
        ("basic_course_participations", "Deltakelser på grunnkurs", "int"),
        ("basic_course_completion_share", "Fullføringsandel grunnkurs", "share"),
        ("theme_courses_held", "Temakurs holdt", "int"),
        ("theme_course_participations", "Deltakelser på temakurs", "int"),
        ("course_participants", "Kursdeltakere", "int"),
        ("share_women_participants", "Andel kvinner blant deltakerne", "share"),
        ("share_immigrant_participants", "Andel med innvandrerbakgrunn blant deltakerne", "share"),
    ],
    "Oppfølging og nettverk": [
        ("network_events", "Nettverkssamlinger", "int"),
        ("network_participations", "Deltakelser på nettverkssamlinger", "int"),
        ("referrals_innovasjon_norge", "Henvisninger til Innovasjon Norge", "int"),
        ("referrals_nav", "Henvisninger til NAV", "int"),
        ("referrals_naeringsliv", "Henvisninger til etablert næringsliv", "int"),
        ("referrals_other", "Andre henvisninger", "int"),
        ("business_assessments", "Næringsfaglige vurderinger", "int"),
        ("assessment_turnaround_days_mean", "Behandlingstid vurderinger (dager, snitt)", "dec"),
        ("mentor_sessions", "Mentormøter", "int"),
    ],
    "Nyetableringer": [
        ("new_businesses", "Nyetableringer", "int"),
        ("new_businesses_per_1000_inhabitants", "Nyetableringer per 1 000 innbyggere", "dec"),
        ("conversion_share", "Konvertering (andel nye klienter som etablerte)", "share"),
        ("share_women_founders", "Andel kvinner blant gründerne", "share"),
        ("share_immigrant_founders", "Andel med innvandrerbakgrunn blant gründerne", "share"),
        ("survival_1y_share", "Overlevelse etter 1 år", "share"),
        ("survival_3y_share", "Overlevelse etter 3 år", "share"),
    ],
}

ACCOUNTS: list[tuple[str, str, str]] = [
    ("funding_total_nok", "Tilskudd etter avtalen (kr)", "nok"),
    ("cost_budget_nok", "Kostnader, budsjett (kr)", "nok"),
    ("cost_actual_nok", "Kostnader, regnskap (kr)", "nok"),
    ("cost_deviation_nok", "Avvik kostnader mot budsjett (kr)", "nok"),
    ("income_actual_nok", "Inntekter, regnskap (kr)", "nok"),
    # One figure for fee income: the accounts'. What the courses should bring differs on the
    # sample; the difference is the finding finance_fee_income_matches_courses.
    ("fee_income_actual_nok", "Egenandeler, regnskap (kr)", "nok"),
    ("cost_per_client_nok", "Kostnad per klient (kr)", "nok"),
    ("cost_per_new_business_nok", "Kostnad per nyetablering (kr)", "nok"),
]

# fct_plan_vs_actual.target_id -> (label, the fct_region_kpis column it is measured by)
PLAN_TARGETS: dict[str, tuple[str, str]] = {
    "unike_klienter": ("Unike klienter", "unique_clients"),
    "nye_klienter": ("Nye klienter", "new_clients"),
    "veiledningstimer": ("Veiledningstimer", "guidance_hours"),
    "grunnkurs": ("Grunnkurs", "basic_courses_held"),
    "temakurs": ("Temakurs", "theme_courses_held"),
    "kursdeltakere": ("Kursdeltakere", "course_participants"),
    "nyetableringer": ("Nyetableringer", "new_businesses"),
    "nettverkssamlinger": ("Nettverkssamlinger", "network_events"),
    "brukerundersokelse_svar": ("Svar på brukerundersøkelsen", "satisfaction_responses"),
}

SURVEY_QUESTIONS: dict[str, str] = {
    "fornoyd": "Hvor fornøyd er du med etablerertjenesten?",
    "anbefale": "Hvor sannsynlig er det at du anbefaler tjenesten til andre?",
    "nytte_veiledning": "Hvor nyttig var veiledningen?",
    "nytte_kurs": "Hvor nyttig var kurset?",
}

COMPLIANCE_RULES: dict[str, str] = {
    "county_rate_minimum": "Fylkets sats minst 5,50 kr per innbygger",
    "rates_present": "Alle satser er avtalt",
    "population_available": "Folketall fra SSB finnes",
    "stated_population_matches_ssb": "Oppgitt innbyggertall stemmer med SSB",
    "parties_in_population_basis": "Alle parter er med i befolkningsgrunnlaget",
    "plan_approved_before_payout": "Plan og budsjett godkjent før utbetaling",
    "plan_submitted_by_deadline": "Aktivitetsplan levert innen 1. desember",
    "report_received_by_deadline": "Årsrapport og regnskap mottatt innen 1. mai",
    "municipality_coverage": "Alle kommuner i fylket er dekket",
    "agreement_signed": "Avtalen er signert av alle parter",
    "agreement_text_checked": "Avtaleteksten er kontrollert",
    "finance_grants_match_agreement": "Tilskudd i regnskapet stemmer med avtalen",
    "finance_fee_income_matches_courses": "Egenandeler i regnskapet stemmer med kursene",
    "termination_notice_period": "Oppsigelse med ett års varsel",
    "register_linkage": "Rapporterte nyetableringer stemmer med Enhetsregisteret",
}

# fct_linkage_findings.finding_kind -> (what was found, what the operator should do)
LINKAGE_FINDINGS: dict[str, tuple[str, str]] = {
    "not_in_register": (
        "Organisasjonsnummeret finnes ikke i Enhetsregisteret",
        "Kontroller nummeret mot klientens bekreftelse fra Brønnøysundregistrene og rett det i "
        "neste leveranse. Er foretaket ikke registrert, tas det ut av nyetableringene.",
    ),
    "registration_date_off": (
        "Registreringsdatoen avviker mer enn 30 dager fra registerets",
        "Bruk registreringsdatoen fra Enhetsregisteret i neste leveranse.",
    ),
    "org_form_differs": (
        "Organisasjonsformen er en annen enn registerets",
        "Rett organisasjonsformen til registerets i neste leveranse.",
    ),
    "nace_differs": (
        "Næringskoden er en annen enn registerets",
        "Rett næringskoden til registerets, eller be klienten oppdatere den i registeret.",
    ),
}

# Rules from the agreement linter land in fct_compliance as agreement_text__<rule>.
AGREEMENT_TEXT_RULE = "agreement_text__"


def compliance_rule(rule_id: str) -> str:
    if rule_id.startswith(AGREEMENT_TEXT_RULE):
        return f"Avtaleteksten ({rule_id.removeprefix(AGREEMENT_TEXT_RULE)})"
    return COMPLIANCE_RULES.get(rule_id, rule_id)


COMPLIANCE_RESULT: dict[str, tuple[str, str]] = {
    "pass": ("oppfylt", "ok"),
    "fail": ("ikke oppfylt", "fail"),
    "pending": ("venter (fristen er ikke ute)", "warn"),
    "unverified": ("ikke kontrollert (syntetiske tall)", "warn"),
    "resolved": ("avgjort av fylket", "ok"),
}

FUNDING_STATUS: dict[str, tuple[str, str]] = {
    "ok": ("ok", "ok"),
    "rate_missing": ("sats mangler", "fail"),
    "population_missing": ("folketall mangler", "fail"),
}

# Severity of a compliance rule (seed compliance_rule_severities).
SEVERITY: dict[str, str] = {
    "blokkerer_utbetaling": "blokkerer utbetaling",
    "merknad": "merknad",
}

PAYOUT_STATUS: dict[str, tuple[str, str]] = {
    "ready": ("klar til utbetaling", "ok"),
    "ready_illustrative": (
        "ikke til utbetaling: bygger på illustrative eller syntetiske tall",
        "warn",
    ),
    "blocked": ("stoppet", "fail"),
}

AGREEMENT_STATUS: dict[str, tuple[str, str]] = {
    "utkast": ("utkast (ikke signert)", "fail"),
    "signert": ("signert", "ok"),
    "opphørt": ("opphørt", "warn"),
}

# What a figure rests on (the marts' data_standing), weakest first.
DATA_STANDING: dict[str, str] = {
    "synthetic": "syntetiske tall",
    "illustrative": "illustrativt eksempel",
    "assumed": "antatt",
    "measured": "målt",
}

MONTHS: dict[int, str] = {1: "januar", 8: "august"}
