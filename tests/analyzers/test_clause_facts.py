"""The clause's own facts (analyzers.clause_facts): what is read, how the explanation says it, and the
check that counts an explanation as stating a fact of its quote."""

from analyzers.clause_facts import defined_terms, explain, facts_in, read_facts

CAP = ("In no event shall Supplier's total liability exceed the fees paid by Customer in the twelve (12) months "
       "preceding the claim, except for breaches of Section 9 (Confidentiality).")


def test_the_issue_example_reads_as_a_lawyer_would_say_it():
    assert explain("Cap on Liability", CAP) == ("Caps Supplier's liability at the fees paid by Customer in the 12 "
                                                "months preceding the claim; excludes breaches of Section 9 "
                                                "(Confidentiality).")


def test_amounts_periods_notice_conditions_and_law_are_read():
    facts = read_facts("Either party may terminate this Agreement upon ninety (90) days' prior written notice. "
                       "Licensee shall maintain insurance of at least $1,000,000 per occurrence and pay 5% of "
                       "Net Sales for three (3) years, unless Company consents in writing. This Agreement is "
                       "governed by the laws of the State of New York.")
    assert facts.notice == ["90 days"]
    assert "$1,000,000" in facts.amounts and "5%" in facts.amounts
    assert facts.durations == ["3 years"]
    assert "either party" in facts.parties and "Licensee" in facts.parties
    assert facts.conditions == ["unless Company consents in writing"]
    assert facts.laws == ["the laws of the State of New York"]


def test_a_non_exclusive_licence_broken_across_lines_is_not_exclusive():
    facts = read_facts("Arizona hereby grants to the Company a limited, non-\nexclusive, royalty-free license.")
    assert facts.scope == ["non-exclusive", "royalty-free"]
    assert explain("License Grant", "Arizona hereby grants to the Company a non- exclusive license.") == \
        "Grants a licence: non-exclusive; names Arizona."


def test_a_cross_reference_is_not_a_carve_out_and_an_unlimited_cap_is_not_a_cap():
    assert read_facts("Except as provided in Section 6.2, the Company shall not compete.").carve_outs == []
    said = explain("Cap on Liability", "Customer's liability under this Section 7.1 shall be unlimited.")
    assert said is not None and said.startswith("Leaves Customer's liability uncapped")


def test_a_clause_without_facts_gives_no_explanation_and_facts_in_needs_the_quote():
    assert explain("Audit Rights", "The books shall be kept.") is None
    assert facts_in(explain("Cap on Liability", CAP) or "", CAP) == [
        "the fees paid by Customer in the 12 months preceding the claim", "Supplier",
        "breaches of Section 9 (Confidentiality)"]
    assert facts_in("The counterparty may inspect books", CAP) == []  # the playbook's reason states none


def test_unsupported_facts_are_the_numbers_and_laws_a_quote_does_not_state() -> None:
    from analyzers.clause_facts import unsupported_facts

    quote = ("Supplier's aggregate liability shall not exceed the fees paid in the twelve (12) months preceding the "
             "claim. This Agreement is governed by the laws of New York.")
    assert unsupported_facts("Caps liability at the fees of the 12 months before the claim.", quote) == []
    assert unsupported_facts("Caps liability at a year of fees (twelve months); New York law.", quote) == []
    assert unsupported_facts("Caps liability at $5,000,000.", quote) == ["$5,000,000"]
    assert unsupported_facts("Governed by the laws of Delaware.", quote) == ["the laws of Delaware"]
    assert unsupported_facts("Limits liability.", quote) == []


def test_the_contracts_own_party_names_are_read_whole() -> None:
    clause = "PageMaster Corporation shall purchase a minimum of $100,000 of pagers."
    # unknown: the company's name whole, never its last word ("Commits Corporation" named no one)
    assert explain("Minimum Commitment", clause) == "Commits PageMaster Corporation to a minimum of $100,000."
    assert explain("Minimum Commitment", clause, ["PageMaster Corporation", "PageMaster"]) == \
        "Commits PageMaster Corporation to a minimum of $100,000."
    exclusive = "Go Call shall not engage in the same or similar promotions during the Term with any other entity."
    assert read_facts(exclusive, ["Go Call, Inc.", "Go Call"]).parties == ["Go Call"]
    # a name split over a line is the same name; a known name inside a longer word is not it
    assert read_facts("Harbor Freight\nLogistics LLC shall pay", ["Harbor Freight Logistics LLC"]).parties == \
        ["Harbor Freight Logistics LLC"]
    assert read_facts("SubAcme shall pay", ["Acme"]).parties == ["SubAcme"]
    # a short name defined as "the Manufacturer" opens a sentence as "The Manufacturer"
    assert read_facts("The Manufacturer agrees to offer", ["ORGANIC PREPARATIONS INC.", "the Manufacturer"]).parties \
        == ["Manufacturer"]


def test_a_lead_that_binds_a_party_reads_without_one() -> None:
    assert explain("Audit Rights", "The books may be audited on ten (10) days' notice.") == \
        "Allows an audit of the books and records on 10 days' notice."
    assert explain("Termination For Convenience", "This Agreement may be terminated on 30 days' notice.") == \
        "Allows termination without cause on 30 days' notice."
    assert explain("Audit Rights", "Customer may audit the books on ten (10) days' notice.") == \
        "Lets Customer audit the books and records on 10 days' notice."


def test_a_carve_out_follows_the_lead_as_its_own_part() -> None:
    assert explain("License Grant", "Licensor grants a licence to all software, excluding the Source Code.") == \
        "Grants a licence; excludes the Source Code; names Licensor."
    # a cross-reference is no carve-out, however it is worded
    assert read_facts("Except as specifically set forth in Section 6, no licence is granted.").carve_outs == []


def test_what_a_clause_defines_is_no_party() -> None:
    assert read_facts("The Services shall be performed and the Parties shall cooperate.").parties == []
    assert explain("Insurance", "Services shall be insured for $1,000,000.") == "Requires insurance of $1,000,000."


def test_an_amount_in_words_and_digits_is_one_amount() -> None:
    assert read_facts("Licensee shall pay Six Hundred Dollars ($600) a month.").amounts == ["$600"]
    assert read_facts("Licensee shall pay 600 dollars and USD 700.").amounts == ["600 dollars", "USD 700"]


def test_whose_consent_is_a_name_not_the_words_after_it() -> None:
    assert read_facts("Licensee shall not compete without the prior written consent of Licensor in its sole "
                      "discretion.").conditions == ["without the consent of Licensor"]
    assert read_facts("No assignment without the consent of The Walt Disney Company is valid.").conditions == \
        ["without the consent of The Walt Disney Company"]


def test_an_exclusivity_clause_says_which_way_it_goes_once() -> None:
    assert explain("Exclusivity", "Licensor grants Agent an exclusive right to sell the Products.") == \
        "Makes the relationship exclusive; names Licensor."
    assert explain("Exclusivity", "Licensor grants McDATA a non-exclusive, worldwide right to sell.") == \
        "Leaves the relationship non-exclusive: worldwide; names Licensor."
    assert read_facts("The Trademarks shall remain with the Data owner; the Party shall use them.").parties == []


def test_a_duration_is_the_commitments_only_where_the_clause_says_it_lasts_for_it() -> None:
    # CUAD VirtuosoSurgical 4.2: the 30 days are when each year's minimum falls due, not how long it runs
    royalties = ("Company shall pay to JHU minimum annual royalties as set forth in Exhibit A. These minimum annual "
                 "royalties shall be due within thirty (30) days of each anniversary of the EFFECTIVE DATE.")
    assert explain("Minimum Commitment", royalties, ["Company"]) == \
        "Commits Company to a minimum; due within 30 days of each anniversary of the EFFECTIVE DATE."
    # a deadline or a window the reader cannot name is left out; a period something runs for is said as one
    assert explain("Minimum Commitment", "Company shall cure the shortfall within 30 days.", ["Company"]) == \
        "Commits Company to a minimum."
    assert read_facts("Fees are payable 30 days after invoice.").due == ["due 30 days after invoice"]
    assert read_facts("Buyer shall buy 100 units a month for a period of three (3) years.").lasting == ["for 3 years"]
    assert read_facts("This Agreement has an initial 5 year term.").lasting == ["for 5 years"]


def test_a_carve_out_is_cut_at_its_sentences_end_and_a_cross_reference_is_said_as_one() -> None:
    # CUAD BERKELEYLIGHTS 6.2.1: not "excludes pursuant to Sections 13." nor a condition from a section's title
    restriction = ("During the Term, other than pursuant to Sections 13.3.2 (Effects of Termination Based Upon "
                   "Ginkgo's Buy-Down Election) or 13.3.3 (Effects of Termination Based Upon an Uncured Ginkgo "
                   "Breach, Insolvency or Force Majeure Event), BLI shall not sell the Beacon Platform.")
    assert explain("Non-Compete", restriction, ["BLI"]) == \
        "Restricts BLI from competing; except pursuant to Sections 13.3.2 or 13.3.3."
    facts = read_facts("Licensor grants a licence, excluding the products listed in Section 2.1 of Exhibit B, "
                       "e.g. the Tools. Licensee shall pay.")
    assert facts.carve_outs == ["the products listed in Section 2.1 of Exhibit B, e.g. the Tools"]
    # an exception that is a case, not a thing, reads "except …"; a fronted one ends where the main clause begins
    # (a clause that excludes liability but caps no amount "Limits" it)
    assert explain("Cap on Liability", "Except to the extent of fraud, in no event shall Supplier be liable.") == \
        "Limits liability; except to the extent of fraud."
    assert read_facts("Subject to Section 7.2.2(a), Ginkgo shall buy.").conditions == ["subject to Section 7.2.2(a)"]


def test_a_phrase_keeps_its_numbers_and_drops_a_parenthesis_it_does_not_close() -> None:
    assert read_facts("Company shall pay, subject to a monthly minimum of $2,500, the fees.").conditions == \
        ["subject to a monthly minimum of $2,500"]
    assert read_facts("Licensee shall pay if any Royalty Payment (as defined in 9.3, below) is late.").conditions \
        == ["if any Royalty Payment"]
    assert read_facts("Company shall pay $2,500, monthly.").amounts == ["$2,500"]


def test_a_word_of_a_longer_capitalised_term_is_no_party() -> None:
    # CUAD train contracts: "Commits DATE ...", "names Conditions", "Commits Years ...", "names Fee" were guesses
    # taken from the last word of a defined term; the explanation then names no party rather than a wrong one
    assert read_facts("The EFFECTIVE DATE shall be the date of signature.").parties == []
    assert explain("Minimum Commitment", "The Minimum Fee shall be $5,000 for each Contract Year.") == \
        "Sets a minimum commitment of $5,000."
    assert read_facts("Any Renewal Periods shall be on the terms of this Agreement.", ["Licensee"]).parties == []
    assert read_facts("Each MBE Center shall have the right to terminate.", ["MBE"]).parties == []
    # a party named before the term is still read ("Licensee shall" after "Terms and Conditions")
    assert read_facts("The Terms and Conditions shall bind Licensee, and Licensee shall pay.").parties == ["Licensee"]


def test_a_noun_a_contract_capitalises_is_no_party() -> None:
    assert read_facts("The Shares shall be issued and the Product will be shipped.").parties == []
    assert read_facts("Insurance shall be procured; Years shall mean contract years; the IP shall vest.").parties == []
    assert read_facts("There shall be no assignment of the Warrants.").parties == []
    assert explain("Insurance", "Supplier shall carry Employer's liability insurance of $1,000,000.") == \
        "Requires Supplier to carry insurance of $1,000,000."


def test_a_longer_name_that_starts_a_contracts_party_is_read_whole() -> None:
    # CUAD LECLANCHE: "Oak Ridge shall" was "Requires Ridge to carry insurance"
    parties = ["LECLANCHÉ SA", "OAK RIDGE ENERGY TECHNOLOGIES, INC."]
    assert explain("Insurance", "Oak Ridge shall maintain insurance of $2,000,000.", parties) == \
        "Requires Oak Ridge to carry insurance of $2,000,000."
    assert read_facts("Dragon Systems may terminate this Agreement.", ["DRAGON SYSTEMS, INC.", "MMI"]).parties == \
        ["Dragon Systems"]
    # the first word of a party's name, as contracts call it, and a defined acronym are still read
    assert read_facts("Notwithstanding the foregoing, MediWound shall remain liable.", ["MEDIWOUND LTD."]).parties \
        == ["MediWound"]
    assert read_facts("Each of AFSL and TPH-A shall have the right.", ["Transphorm, Inc."]).parties == ["TPH-A"]


def test_a_rate_in_words_and_figures_is_one_rate() -> None:
    # "ten percent (10%)" explained "of 10 percent, 10%"; two different rates stay two
    assert read_facts("Provider shall pay Customer ten percent (10%) of net revenue.").amounts == ["10 percent"]
    assert read_facts("a royalty of 4% on sales and 2.5% on services").amounts == ["4%", "2.5%"]


def test_a_section_heading_run_into_its_sentence_is_no_part_of_the_party() -> None:
    # a heading without a full stop runs into its sentence when the text is flattened: the party after it is
    # still read where the contract's key terms do not name it
    clause = ("23. ASSIGNMENT Subcontractor shall not assign any right or interest under this Agreement without the "
              "prior written consent of Contractor.")
    assert read_facts(clause).parties == ["Subcontractor"]
    assert explain("Anti-Assignment", clause) == "Restricts assignment: Subcontractor needs Contractor's consent."
    assert read_facts("3. SHIPMENT AND RISK OF LOSS Supplier shall ship the Products ordered by CUTANEA hereunder."
                      ).parties == ["Supplier"]
    # a heading in title case, where the word after it starts a party's name
    assert read_facts("7. Order Processing Chase will be solely responsible for processing each order.",
                      ["Chase Bank USA, N.A."]).parties == ["Chase"]
    # a name in capitals is no heading ("MD Anderson"), nor the capitals or title case of a defined term
    assert read_facts("MD Anderson shall maintain complete and accurate records.").parties == []
    assert read_facts("1.3 RESEARCH PROJECTS will relate to crop species defined in EXHIBIT A.").parties == []
    assert read_facts("1.3. Career Center shall mean that area of the Site designated by VerticalNet.").parties == []
    assert read_facts("xx) FLOOD Magazine will have at least one future editorial piece.").parties == []


def test_a_party_name_inside_a_longer_term_is_not_that_party() -> None:
    parties = ["Pacific Energy Company", "Company", "Sponsor", "Telnet", "Shipper"]
    said = explain("Insurance", "The Operating Company shall maintain insurance of at least $1,000,000 per occurrence.",
                   parties)
    assert said == "Requires insurance of $1,000,000."
    assert read_facts("A Shipper that is not an Incentive Shipper or Dedicated Shipper shall pay the Uncommitted "
                      "Rate.", parties).parties == []
    # the party after a heading or a fronted phrase without its comma is still the party
    assert read_facts("ASSIGNMENT Subcontractor shall not assign this Agreement.", ["Subcontractor"]).parties == \
        ["Subcontractor"]
    assert read_facts("Training Telnet shall maintain qualified personnel.", parties).parties == ["Telnet"]
    assert read_facts("3.2 Business Expenses Telnet shall be responsible for its own expenses.", parties).parties == \
        ["Telnet"]
    assert read_facts("During the Term Sponsor shall be able to use the Marks.", parties).parties == ["Sponsor"]


def test_a_long_condition_is_cut_where_a_phrase_ends() -> None:
    transfer = ("We have a right of first refusal if you or your owners propose to sell the Franchised Restaurant "
                "(or its assets) or a controlling interest in you.")
    assert read_facts(transfer).conditions == ["if you or your owners propose to sell the Franchised Restaurant…"]
    warranty = ("Company shall repair the Product in the event of any damages or other defect in a Product which is "
                "discovered by Distributor within 365 days of delivery.")
    condition, = read_facts(warranty).conditions
    # no clause break in reach: cut after a whole word, not on "within 365" without its days
    assert condition.endswith("discovered by Distributor…") and len(condition) <= 110
    revenue = ("The royalty rate is 2% if the cumulative Incremental Laboratory Services Revenue achieved during the "
               "Term is $500 million.")
    assert read_facts(revenue).conditions == \
        ["if the cumulative Incremental Laboratory Services Revenue achieved during the Term…"]


def test_a_clause_in_capitals_keeps_its_party_names_as_the_contract_writes_them() -> None:
    # a lowercased party ("the consent of edge") reads as a typo or another thing; "Edge" is the short name the
    # preamble defines, "ACME INC." a name the contract writes only in capitals
    parties = ["EDGE DATA SOLUTIONS, INC.", "Edge", "ACME INC.", "the Licensor"]
    assert explain("Anti-Assignment", "NEITHER PARTY MAY ASSIGN THIS AGREEMENT WITHOUT THE PRIOR WRITTEN CONSENT "
                                      "OF EDGE.", parties) == "Restricts assignment: either party needs Edge's consent."
    cap = ("EXCEPT FOR CLAIMS BROUGHT BY ACME INC. AGAINST THE LICENSOR, IN NO EVENT SHALL EITHER PARTY BE LIABLE "
           "FOR ANY INDIRECT DAMAGES.")
    assert read_facts(cap, parties).carve_outs == ["claims brought by ACME INC. against the Licensor"]
    assert read_facts(cap).carve_outs == ["claims brought by acme inc. against the licensor"]  # names unknown
    # a company's name as the clause calls it, without its "Inc."
    assert read_facts("EXCEPT FOR CLAIMS BROUGHT BY PRETZEL TIME, NEITHER PARTY SHALL BE LIABLE.",
                      ["Pretzel Time, Inc.", "Franchisee"]).carve_outs == ["claims brought by Pretzel Time"]


def test_a_clause_in_capitals_keeps_its_section_references_and_acronyms() -> None:
    facts = read_facts("IF LICENSEE FAILS TO KEEP ITS BOOKS IN ACCORDANCE WITH GAAP AND U.S. LAW, LICENSOR MAY "
                       "AUDIT THEM. EXCEPT IN CONNECTION WITH A BREACH OF ARTICLE XIV OR EXHIBIT A, IN NO EVENT "
                       "SHALL EITHER PARTY BE LIABLE FOR LOST PROFITS.", ["Licensee", "Licensor"])
    assert facts.conditions == ["if Licensee fails to keep its books in accordance with GAAP and U.S. law"]
    assert facts.carve_outs == ["in connection with a breach of Article XIV or Exhibit A"]
    # a carve-out that is only a cross-reference is said as one, in a clause's capitals too
    assert read_facts("EXCEPT PURSUANT TO SECTIONS 13.3.2 OR 13.3.3, NEITHER PARTY SHALL BE LIABLE FOR "
                      "DAMAGES.").carve_outs == ["pursuant to Sections 13.3.2 or 13.3.3"]


def test_a_clause_in_capitals_keeps_the_contracts_defined_terms_and_place_names() -> None:
    """A lawyer reads "licensed products" and "delaware" as a typo: a clause that shouts keeps the terms its
    contract defines as the contract writes them, a plural too, and a state or country its name; the other words,
    and a defined term the contract uses as often as an ordinary word ("Act"; "any act or omission", "an act of
    God"), read in lower case."""
    contract = ('This Agreement is made between Acme Inc. ("Licensor") and Beta LLC ("Licensee"). "Licensed Product" '
                'means the software listed in Exhibit A. "Territory" means Canada. "Act" means the Securities Act of '
                "1933. Neither party shall be liable for any act or omission of the other, nor for an act of God.")
    defined = defined_terms(contract)
    assert {"Licensed Product", "Territory", "Licensor", "Licensee"} <= set(defined) and "Act" not in defined
    clause = ("EXCEPT FOR ANY ACT IN THE SALE OF LICENSED PRODUCTS IN THE TERRITORY OR DELAWARE, IN NO EVENT SHALL "
              "LICENSOR BE LIABLE FOR INDIRECT DAMAGES.")
    assert explain("Cap On Liability", clause, ["Acme Inc.", "Licensor"], defined) == \
        "Limits liability; excludes any act in the sale of Licensed Products in the Territory or Delaware."
    # without the contract's terms its place names still read as names, its other words as words
    assert read_facts("EXCEPT FOR CLAIMS BROUGHT IN THE STATE OF NEW YORK OR THE UNITED STATES OF AMERICA, NEITHER "
                      "PARTY SHALL BE LIABLE.").carve_outs == [
        "claims brought in the state of New York or the United States of America"]


def test_upon_after_the_verb_it_completes_opens_no_condition() -> None:
    """"to be agreed upon jointly" is no condition (a PDF's lost full stop ran it into the next sentence:
    "upon jointly and in writing Each quarter"); "upon termination" is one."""
    particle = read_facts("Pricing is to be agreed upon jointly and in writing Each quarter, Distributor will pay "
                          "55% of subscriber revenue to Licensor. This Agreement is binding upon the parties.")
    assert particle.conditions == []
    assert read_facts("Upon termination of this Agreement, Distributor shall pay all fees due.").conditions == [
        "upon termination of this Agreement"]


def test_a_governing_law_clause_in_capitals_names_its_law() -> None:
    """The law reader wanted "laws of" in lower case, so a clause in capitals chose no law in its explanation;
    its place is read from the register of places, not the capitalised words after it ("WITHOUT REGARD ...")."""
    shouted = ("THIS AGREEMENT SHALL BE GOVERNED BY AND CONSTRUED IN ACCORDANCE WITH THE LAWS OF THE STATE OF NEW YORK "
               "WITHOUT REGARD TO ITS CONFLICT OF LAWS PRINCIPLES.")
    assert read_facts(shouted).laws == ["the laws of the state of New York"]
    assert explain("Governing Law", shouted) == "Chooses the governing law; the laws of the state of New York."
    assert read_facts("THIS AGREEMENT IS GOVERNED BY THE LAWS OF ENGLAND AND WALES.").laws == [
        "the laws of England and Wales"]
    assert read_facts("THE LAWS OF THE PARTIES' CHOOSING SHALL APPLY.").laws == []  # no place, no law
