"""Explanations that say what the clause says, not the opposite (analyzers.clause_readings, through
analyzers.clause_facts.explain): what a limitation leaves uncapped, what a period is counted from, an exception
read apart from the clause's condition, a price restriction's period, who may assign and who needs consent.
The clauses are the example MSA draft's and CUAD train's TICKETSCOM sponsorship agreement's, with variants in
other words: each reading is of the clause's shape, not of one sentence."""

from analyzers.clause_facts import explain, read_facts

MSA = ["Northwind Analytics Ltd", "Customer", "Provider"]
# examples/templates/drafts/msa_counterparty_draft.txt 6.2 and 6.3
CAP_3_MONTHS = ("6.2 Limitation of Liability. Except for breach of confidentiality, infringement or a party's indemnity "
                "obligations, in no event shall either party's aggregate liability under this Agreement exceed the fees "
                "paid or payable in the three (3) months preceding the claim.")
EXCLUSION = ("6.3 Exclusion of Damages. Neither party is liable for indirect, consequential, special or punitive "
             "damages, or for loss of profits, however caused.")
TICKETS = ["Tickets.com, Inc.", "Tickets", "MP3.com, Inc.", "MP3.com"]
# CUAD train, TICKETSCOMINC_06_22_1999-EX-10.22-SPONSORSHIP AGREEMENT, sections 7, 10 and 4
TICKETS_7 = ("7. No Consequential Damages. Except for claims arising under section 6, in no event will either party be "
             "liable for any special, indirect, incidental or consequential damages.")
TICKETS_ASSIGNMENT = ("This Agreement may not be assigned by Tickets without MP3.com's written consent, which shall be "
                      "promptly granted or denied and not unreasonably withheld, except that Tickets may assign this "
                      "Agreement without MP3.com's consent if another entity acquires substantially all the assets of "
                      "Tickets.")
TICKETS_RENEWAL = ("Furthermore, for a thirty (30) day period, beginning thirty (30) days prior to the first anniversary of "
                   "this Agreement, Tickets shall have the right to renew the Agreement for another year with Sponsor "
                   "Fees that do not exceed a [***] percent increase over the existing Sponsor Fees.")


def test_an_uncapped_liability_names_the_carve_outs_never_the_caps_amount() -> None:
    # was "Leaves liability uncapped of the fees paid or payable in the 3 months preceding the claim"
    assert explain("Uncapped Liability", CAP_3_MONTHS, MSA) == (
        "Leaves liability uncapped for breach of confidentiality, infringement or a party's indemnity obligations.")
    assert explain("Cap on Liability", CAP_3_MONTHS, MSA) == (
        "Caps liability at the fees paid or payable in the 3 months preceding the claim; excludes breach of "
        "confidentiality, infringement or a party's indemnity obligations.")
    # the same shape in other words: whose liability is the capped one, not the party the carve-out names first
    other = "Except for Licensee's indemnity obligations, Licensor's total liability shall not exceed $500,000."
    parties = ["Acme Inc.", "Licensor", "Beta LLC", "Licensee"]
    assert explain("Uncapped Liability", other, parties) == (
        "Leaves Licensor's liability uncapped for Licensee's indemnity obligations.")
    assert explain("Cap on Liability", other, parties) == (
        "Caps Licensor's liability at $500,000; excludes Licensee's indemnity obligations.")


def test_an_exclusion_of_damages_is_a_limit_not_a_cap_and_its_carve_out_is_not_limited() -> None:
    # was "Leaves liability uncapped; excludes claims arising under section 6" beside "Caps liability; ..."
    assert explain("Uncapped Liability", TICKETS_7, TICKETS) == (
        "Does not limit liability for claims arising under section 6.")
    assert explain("Cap on Liability", TICKETS_7, TICKETS) == "Limits liability; excludes claims arising under section 6."
    assert explain("Uncapped Liability", "Nothing in this Agreement shall exclude or limit either party's liability for "
                                         "death or personal injury.") == (
        "Does not limit either party's liability for death or personal injury.")


def test_a_limitation_without_an_uncapped_exception_says_so_without_contradicting_its_cap() -> None:
    assert explain("Uncapped Liability", EXCLUSION, MSA) == (
        "Limits liability; no exception in these words leaves it uncapped — check.")
    assert explain("Uncapped Liability", "In no event shall either party's aggregate liability exceed the fees paid by "
                                         "Licensee in the twelve (12) months preceding the claim.") == (
        "Limits liability; no exception in these words leaves it uncapped — check.")
    assert explain("Uncapped Liability", "EXCEPT AS OTHERWISE SET FORTH IN SECTION 23.2, THE TOTAL LIABILITY OF EITHER "
                                         "PARTY WILL NOT EXCEED THE FEES PAID.") == (
        "Limits liability; what it leaves uncapped is set out in Section 23.2 — check.")
    # a clause that removes the cap says so
    assert explain("Cap on Liability", "Customer's liability under this Section 7.1 shall be unlimited.") == (
        "Leaves Customer's liability uncapped.")


def test_even_if_is_no_condition() -> None:
    clause = ("In no event shall Supplier be liable for indirect damages, even if Supplier has been advised of the "
              "possibility of such damages.")
    assert read_facts(clause).conditions == []  # was "if Supplier has been advised of the possibility ..."
    assert read_facts("Supplier shall refund the fees if Supplier has been advised of a defect.").conditions == [
        "if Supplier has been advised of a defect"]


def test_a_period_is_said_with_what_it_is_counted_from() -> None:
    assert explain("Non-Compete", "During the Term and for two (2) years thereafter, Customer shall not compete with "
                                  "Provider.", MSA) == "Restricts Customer from competing during the term and for 2 years after it."
    # the draft's 7.2: "During the term and for twelve (12) months after it"
    assert explain("No-Solicit of Employees", "7.2 Non-Solicitation. During the term and for twelve (12) months after "
                                              "it, neither party shall solicit for employment any employee of the other "
                                              "party involved in the services.", MSA) == (
        "Bars either party from hiring the other side's staff during the term and for 12 months after it.")
    assert explain("Non-Compete", "For a period of two years following termination of this Agreement for any reason, "
                                  "Licensee shall not compete.") == "Restricts Licensee from competing for 2 years after the term."
    assert explain("Non-Compete", "For twenty-four (24) months after the Effective Date, Vendor shall not compete."
                   ) == "Restricts Vendor from competing for 24 months after the Effective Date."
    assert explain("Warranty Duration", "Provider warrants the deliverables for ninety (90) days after acceptance."
                   ) == "Warrants the work for 90 days after acceptance."
    # an anchor cut inside a clause it opens is not said half
    assert explain("Rofr/Rofo/Rofn", "Glamis has a right of first refusal for a period of 3 months from the first to "
                                     "occur of the date that Glamis and Western fail to agree and the date of notice."
                   ) == "Gives a first right for 3 months."
    assert read_facts("Buyer shall buy 100 units a month for a period of three (3) years.").lasting == ["for 3 years"]


def test_an_exception_is_not_read_as_the_clauses_condition_and_a_dotted_name_is_whole() -> None:
    assert explain("Anti-Assignment", TICKETS_ASSIGNMENT, TICKETS) == (
        "Restricts assignment: Tickets needs MP3.com's consent, not to be unreasonably withheld; Tickets may assign "
        "without MP3.com's consent if another entity acquires substantially all its assets.")
    # in any category: the "if" of an "except that" clause is the exception's
    facts = read_facts("Licensee shall deliver the goods within 30 days, except that Licensee may delay delivery if "
                       "Licensor fails to pay.")
    assert facts.conditions == [] and facts.carve_outs == ["that Licensee may delay delivery if Licensor fails to pay"]
    # "MP3.com" is one name, not a sentence that ends at "MP3"
    assert read_facts("No party may assign this Agreement, except that Tickets may assign it without MP3.com's "
                      "consent.").carve_outs == ["that Tickets may assign it without MP3.com's consent"]


def test_a_price_restrictions_period_is_one_prices_are_near() -> None:
    # TICKETSCOM's renewal right: the 30 days are when Tickets may renew, not how long prices are held
    said = explain("Price Restrictions", TICKETS_RENEWAL, TICKETS)
    assert said == ("Restricts pricing: Sponsor Fees that do not exceed a [***] percent increase over the existing "
                    "Sponsor Fees; names Tickets.")
    assert explain("Price Restrictions", "Prices shall remain fixed for twelve (12) months from the Effective Date.") == (
        "Restricts pricing for 12 months from the Effective Date.")
    assert explain("Price Restrictions", "Licensor agrees that rates may not increase by more than ten percent (10%) "
                                         "during any Renewal Term.") == (
        "Restricts pricing: rates may not increase by more than 10 percent (10%) during any Renewal Term; names Licensor.")


def test_an_assignment_clause_says_who_needs_consent_and_who_may_assign_freely() -> None:
    assert explain("Anti-Assignment", "Customer may not assign this Agreement without Provider's prior written consent. "
                                      "Provider may assign this Agreement freely.", MSA) == (
        "Restricts assignment: Customer needs Provider's consent; Provider may assign freely.")
    assert explain("Anti-Assignment", "7.1 Assignment. Neither party may assign this Agreement without the other "
                                      "party's prior written consent, which shall not be unreasonably withheld.", MSA) == (
        "Restricts assignment: either party needs the other's consent, not to be unreasonably withheld.")
    assert explain("Anti-Assignment", "1.3 Subcontracting. Provider may not subcontract any part of the services "
                                      "without Customer's prior written consent.", MSA) == (
        "Restricts assignment: Provider needs Customer's consent to subcontract.")
    parties = ["Acme Inc.", "Licensor", "Beta LLC", "Licensee"]
    # a right to assign "with the prior written consent of" is a need of consent, not a permission
    assert explain("Anti-Assignment", "Licensee shall have the right to assign this Agreement with the prior written "
                                      "consent of Licensor.", parties) == "Restricts assignment: Licensee needs Licensor's consent."
    # a party that may not withhold its consent to an assignment is not restricted from assigning
    said = explain("Anti-Assignment", "Licensor may assign this Agreement to its Affiliates; Licensee may not withhold "
                                      "its consent to an assignment by Licensor.", parties)
    assert said == "Restricts assignment: Licensor may assign to its Affiliates."


def test_an_assignment_restriction_is_read_through_a_consents_aside_but_not_across_another_clause() -> None:
    assert explain("Anti-Assignment", "Neither party shall, without the prior written consent (not to be unreasonably "
                                      "withheld or delayed) of the other party having been obtained, assign or transfer "
                                      "this Agreement.") == (
        "Restricts assignment: either party needs the other's consent, not to be unreasonably withheld.")
    # MA is barred from using the Technology in a product it assigns, not from assigning this Agreement
    assert explain("Anti-Assignment", "MA shall not continue to use any part of the Technology as part of any product "
                                      "which MA shall convey, assign, lease or transfer to any third parties.", ["MA"]
                   ) == "Restricts assignment; names MA."
