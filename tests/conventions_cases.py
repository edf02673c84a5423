"""Real-world spellings of publication numbers, claim references and queries, with what each must read as.

One table per convention, shared by the tests and by ``bench/conventions_check.py``, which counts how many of them
a given novum reads correctly (the before/after figures in docs/reliability.md). Data only: importing this module
needs nothing from novum, so the check runs against older versions too.
"""

from __future__ import annotations

# Publication numbers as public tools and exports spell them (DEPATISnet's padding, DOCDB series letters, Japanese
# era years, KIPRIS numbers, PatFT reissues): 20 of these 28 failed or gave a second key before.
NUMBERS = [
    ("DE000004240017A1", "DE4240017A1"),  # DEPATISnet pads every serial to 12 digits
    ("DE4240017A1", "DE4240017A1"),
    ("GB000002345678A", "GB2345678A"),
    ("CN000101234567A", "CN101234567A"),
    ("JP002000056265A", "JP2000056265A"),
    ("WO002001098623A1", "WO2001098623A1"),
    ("AU002005201234A1", "AU2005201234A1"),
    ("BRPI0507004A", "BRPI0507004A"),  # DOCDB series letters: BR "PI", MX "PA", TW "I"
    ("BR PI 0507004 A", "BRPI0507004A"),
    ("MXPA05006297A", "MXPA05006297A"),
    ("MX PA 05 006297 A", "MXPA05006297A"),
    ("TWI123456B", "TWI123456B"),
    ("JPS602468B2", "JP1985002468B2"),  # Showa 60
    ("JP S60-2468 B2", "JP1985002468B2"),
    ("JPH07123456A", "JP1995123456A"),  # Heisei 7
    ("JPR02123456A", "JP2020123456A"),  # Reiwa 2
    ("JP1995123456A", "JP1995123456A"),
    ("WO200198623A1", "WO2001098623A1"),  # four-digit year, serial padded to six
    ("WO 2001/98623 A1", "WO2001098623A1"),
    ("US43633E", "USRE43633E"),  # a reissue given as number + kind E
    ("US 43,633 E1", "USRE43633E1"),
    ("KR1020050012345A", "KR1020050012345A"),  # KIPRIS application-style publication number
    ("KR 10-2005-0012345 A", "KR1020050012345A"),
    ("KR20050012345A", "KR1020050012345A"),  # DOCDB drops the right type
    ("KR20050012345U", "KR2020050012345U"),  # utility models are right type 20
    ("KR100123456B1", "KR100123456B1"),  # registrations 10-xxxxxxx
    ("KR 10-0123456 B1", "KR100123456B1"),
    ("BR0013699A", "BR0013699A"),  # BR year 00: the leading zero is part of the number
]

# Wordings from granted claims; 10 of these 16 lost references before lists with a serial comma and "the
# preceding claims" were read.
CLAIM_WORDINGS = [
    ("The method of claims 1, 2, and 3, wherein", 5, [1, 2, 3]),
    ("The method of claims 1, 2, or 3 - 4 inclusive", 6, [1, 2, 3, 4]),
    ("The method of any of claims 1, 2, or 3, wherein", 5, [1, 2, 3]),
    ("A device according to claims 1, 3, and 5", 7, [1, 3, 5]),
    ("The composition of any one of claims 1-3, 5, and 7 to 9", 10, [1, 2, 3, 5, 7, 8, 9]),
    ("The method as claimed in claims 2, 3, and/or 4", 6, [2, 3, 4]),
    ("The device according to the preceding claims, wherein", 4, [1, 2, 3]),
    ("Method for producing a shoe structure according to one or more of the previous claims", 3, [1, 2]),
    ("Apparatus as claimed in the preceding claim", 4, [3]),
    ("The method according to the previous claim", 3, [2]),
    ("A method according to any of the preceding claims", 3, [1, 2]),
    ("Method according to one of the preceding claims", 4, [1, 2, 3]),
    ("The method of claim 1 or claim 2", 3, [1, 2]),
    ("The method of claims 1 and 2", 3, [1, 2]),
    ("Vorrichtung nach einem der vorhergehenden Ansprüche", 3, [1, 2]),
    ("The system of claim 1, and further comprising 3 sensors", 4, [1]),  # "3 sensors" is no claim
]

# Queries as typed in Espacenet's CQL (and pasted strategies), with their canonical form; 17 of these 22 were
# syntax errors, plain words or refused before.
QUERIES = [
    ("ti = foo", "title=foo"),
    ("ti =foo", "title=foo"),
    ("ti= foo", "title=foo"),
    ("pd < 20100101", "published<=20091231"),
    ("pd >= 2015 AND pa = DJI", "published>=20150101 AND applicant=DJI"),
    ("pd within 2014-03-10,2014-03-16", "published=20140310:20140316"),
    ("pd within 2014-03-10 2014-03-16", "published=20140310:20140316"),
    ('pd within "2005, 2006"', "published=20050101:20061231"),
    ('pd within "2010 2015"', "published=20100101:20151231"),
    ('ia any "John, Smith"', "applicant_inventor=(John OR Smith)"),
    ('ia=Apple OR ia="Ries Klaus"', 'applicant_inventor=Apple OR applicant_inventor="Ries Klaus"'),
    ('ti all "paint brush hair"', "title=(paint AND brush AND hair)"),
    ('ti adj "solid electrolyte"', 'title="solid electrolyte"'),
    ('ti ADJ "solid electrolyte"', 'ti ADJ "solid electrolyte"'),  # upper case: the USPTO operator on a word
    ("pr=ep20050104792", "priority_number=EP20050104792"),
    ("pr = EP16185466.6", "priority_number=EP16185466.6"),
    ("mouse prox/distance<=2/ordered=true trap", "mouse ADJ2 trap"),
    ("mouse prox/distance<=2/ordered=false trap", "mouse NEAR2 trap"),
    ("mouse prox/distance<3/unordered trap", "mouse NEAR2 trap"),
    ("cpc=/low A01B", "cpc=A01B"),
    ("cpc=/same H04L9/32", "cpc=H04L9/32/exact"),
    ("cpc=/high H04L9/32", "cpc=H04L9/32/exact OR cpc=H04L9/00/exact"),
]

# (text, whether it reads as the query language rather than free text); 6 of these 9 were read wrongly before.
QUESTIONS = [
    ("What is a drone that sprays crops?", False),
    ("how does a buchholz relay work?", False),
    ("coatings AND salt spray?", True),  # upper-case AND: the query language
    ("wom?n shoes", True),  # a question mark inside a word is a wildcard
    ("pd within 2014-03-10,2014-03-16", True),
    ('ia any "John, Smith"', True),
    ('ti adj "solid electrolyte"', True),
    ("mouse prox/distance<=2/ordered=true trap", True),
    ('find any "foo"', False),  # a relation word after a word that is no field: plain words
]

# Pasted claim sets with a cancelled run: (text, the claim numbers they hold, cancelled ones included).
CANCELLED_RUNS = [
    (
        "1. A device comprising a housing.\n2. The device of claim 1.\n3.-5. (canceled)\n6. The device of claim 2.",
        [1, 2, 3, 4, 5, 6],
    ),
    ("1.-18. (Cancelled)\n19. A flexible heater comprising a film.\n20. The heater of claim 19.", list(range(1, 21))),
    ("1. A thing. 2. The thing of claim 1. 3-4. (Cancelled) 5. The thing of claim 2.", [1, 2, 3, 4, 5]),
    ("1. A pump.\n2.-3. (withdrawn)\n4. The pump of claim 1.", [1, 2, 3, 4]),
]
