"""The sources behind the drug catalogue, keyed as in the reference notes.

Numbers are those of ``../shared/reference/drugs.md`` §4, so a rule's
``sources=("V:3",)`` can be traced to the exact document that was read; codes
come from ``standards-and-libraries.md`` §B3 (key ``B3``). Only what was read is
listed - the notes say, source by source, how much of it was readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from remit.core.provenance import Provenance, Verification

SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "1": "Urien S et al. BMC Pharmacol Toxicol 2013;14:40 (abstract and methods opening)",
        "2": "nlmixr2lib Urien_2013_anakinra model file and vignette (transcription of Urien 2013 Table 1)",
        "3": "Kineret (anakinra) US prescribing information, 12/2020 revision",
        "4": "Kineret clinical pharmacology and description text (US PI / SmPC copies)",
        "5": "Kineret EU SmPC copies (EMA 2025; Italian SmPC; overdose/contraindication sections)",
        "6": "Medscape 1 Apr 2021: NICE recommends anakinra for paediatric and adult-onset Still's disease",
        "7": "Imazio M et al. Eur Heart J 2022, Table 3 (recurrent pericarditis)",
        "8": "UpToDate sJIA initial-therapy drug table",
        "9": "Ilaris (canakinumab) US prescribing information 2024",
        "10": "Ilaris EU SmPC (Italian posology; older English SmPC)",
        "11": "Arcalyst (rilonacept) US prescribing information",
        "12": "Actemra (tocilizumab) PI excerpt; ARD tocilizumab dosing table (EMA/FDA/Japan)",
        "13": "Ferrara G et al. MARAJIA, Pediatr Rheumatol 2018; Ruperto N et al. Arthritis Rheum 2004; Woo P 2000",
        "14": "eTG complete (systemic JIA corticosteroids); Medscape JIA corticosteroids",
        "15": "Trottestam H et al. Blood 2011;118:4577 (HLH-94)",
        "16": "Mouy R et al. J Pediatr 1996;129:750 (ciclosporin in MAS)",
        "17": "Parikh SV, Rovin BH. JASN 2016;27:2929; ClinicalTrials NCT01861561 (cyclophosphamide)",
        "18": "Ozen S et al. EULAR recommendations for FMF 2016, Ann Rheum Dis (colchicine)",
        "19": "Colchicine (Colcrys) US label",
        "20": "Paediatric emergency medicine textbook Table 101.12; indomethacin and naproxen label charts",
        "21": "Enbrel (etanercept) SmPC (Pfizer UK); Horneff 2008",
        "22": "Ruperto N et al. Arthritis Rheum 2007;56:3096; Ann Rheum Dis 2010;69:718 (infliximab in JIA)",
        "23": "Paediatric emergency medicine textbook, Kawasaki disease IVIG section",
        "24": "ARD 2003;62:889 digest; Rheumatol Int 2011;31:749 (intra-articular triamcinolone hexacetonide)",
        "25": "globalrph.com BSA equations with original references",
        "26": "Yang BB et al. Clin Pharmacol Ther 2003;74:85 (anakinra and renal function)",
        "27": "Yang B et al. Ann Rheum Dis 2001;60(Suppl 1):A459, FRI0036",
        "28": "Pharmacol Res 2004, doi 10.1016/j.phrs.2004.02.002 (anakinra PK in Chinese RA patients)",
        "29": "PMC6662383 (anakinra, body weight and BMI; study 20010168)",
        "30": "Emsley 2005; Clark 2008; Gueorguieva 2008; Galea 2011; Singh 2014 (IV anakinra)",
        "31": "Fisher CJ et al. JAMA 1994;271:1836; Opal SM et al. Crit Care Med 1997;25:1115 (sepsis trials)",
        "32": "Fitzgerald 2010 J Neuroimmunol 223:138",
        "33": "Monteagudo 2020; Phadke 2021; Fingerhutová 2022; Cloyd 2022; Eloseily 2020 (anakinra in MAS)",
        "34": "Koné-Paut 2021 Arthritis Rheumatol 73:151 (KAWAKINRA); J Pediatr 2022;243:173",
        "35": "Fautrel B et al. EULAR/PReS Still's disease recommendations, Ann Rheum Dis 2024;83:1614",
        "36": "Green EA et al. Front Immunol 2022 (Anakinra Pilot protocol)",
        "37": "DeWitt 2012 Arthritis Care Res 64:1001 (CARRA CTP abstract); Ringold 2013; Mina 2012",
        "40": "EU Kineret package leaflet (EMA ePI example record)",
        "41": "ter Haar NM et al. Arthritis Rheumatol 2019;71:1163; Vastert SJ et al. 2014 (Utrecht treat-to-target)",
        "42": "Tocilizumab SC secondary sources (product page; AI summary quoting the US PI)",
        "43": "AI-written methotrexate dosing summaries (secondary, mutually inconsistent)",
        "B3": "standards-and-libraries.md §B3 (drug codes: ATC, RxNorm)",
    }
)


def describe_sources(keys: tuple[str, ...]) -> str:
    """``("V:3", "S:6")`` -> the citations, tag kept, for docs and reports."""
    parts = []
    for key in keys:
        _, _, number = key.partition(":")
        parts.append(f"[{key}] {SOURCES.get(number or key, 'unknown source')}")
    return "; ".join(parts)


def verified(*keys: str, note: str = "") -> Provenance:
    return Provenance(Verification.VERIFIED, keys, note)


def secondary(*keys: str, note: str = "") -> Provenance:
    return Provenance(Verification.SECONDARY, keys, note)


def unverified(*keys: str, note: str = "") -> Provenance:
    return Provenance(Verification.UNVERIFIED, keys, note)


def derived(*keys: str, note: str = "") -> Provenance:
    return Provenance(Verification.DERIVED, keys, note)
