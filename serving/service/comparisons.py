"""Comparisons of a tenant's contract with one of its templates (run, stored, listed) and the downloads:
a comparison's redline, review copy and tables, and a contract's own analysis export."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from contracts.findings import Finding
from contracts.key_terms import KeyTerms
from contracts.playbook import load_playbook
from serving.comparisons import Download, render_export, store
from serving.errors import NotAvailable, NotFound, UnprocessableUpload
from serving.exports import render_contract_export
from serving.file_worker import BudgetExceeded
from serving.jobs.runner import AnalyzerCache, budget_reason, compare_within_budget, within_budget
from serving.models import ComparisonRow, ContractTermsRow, counted
from serving.records import stored_bytes, stored_document
from serving.service import contracts, scope
from serving.settings import ServiceSettings


def compare(session: Session, *, tenant_id: str, contract_id: str, template_id: str, settings: ServiceSettings,
            analyzers: AnalyzerCache) -> ComparisonRow:
    """Compare the contract with the template and store the result. The contract's categories are its
    latest finished analysis's findings and its stored key terms (a lawyer's corrections included); the
    template's come from the embedded baseline analyzer (cheap, local), since templates are not analyzed on
    upload. That analysis and the comparison each run under the file budget, as a job's analysis does: past
    it, a 422 (`analysis_timeout`, `analysis_out_of_memory`) naming the setting."""
    scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
    template = scope.template(session, tenant_id=tenant_id, template_id=template_id)
    contract_doc = stored_document(session, contract_id)
    template_doc = stored_document(session, template_id)
    assert contract_doc is not None and template_doc is not None  # stored with their rows
    _, rows = contracts.findings(session, tenant_id=tenant_id, contract_id=contract_id)
    terms = session.get(ContractTermsRow, contract_id)
    try:
        comparison = compare_within_budget(analyzers, contract_doc,
                                           [Finding.model_validate(r, from_attributes=True) for r in rows],
                                           template_doc, load_playbook(settings.playbook),
                                           KeyTerms.model_validate(terms.terms) if terms else None)
    except BudgetExceeded as exc:  # the job's comparison says the same in its stats
        raise UnprocessableUpload(budget_reason(exc, "template"), code=exc.code) from None
    row = store(session, tenant_id=tenant_id, contract_id=contract_id, template=template, comparison=comparison)
    try:
        session.commit()
    except IntegrityError:  # the contract was deleted while it was compared (seconds): its 404, not a 500
        session.rollback()
        scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
        raise
    session.refresh(row)
    return row


def page(session: Session, *, tenant_id: str, contract_id: str, offset: int = 0,
         limit: int | None = None) -> tuple[list[ComparisonRow], int]:
    """A page of the contract's comparisons, newest first, and how many it has in all."""
    scope.contract(session, tenant_id=tenant_id, contract_id=contract_id)
    mine = (ComparisonRow.tenant_id == tenant_id, ComparisonRow.contract_id == contract_id)
    query = (select(ComparisonRow).where(*mine)
             .order_by(col(ComparisonRow.created_at).desc(), col(ComparisonRow.id)).offset(offset))
    rows = list(session.exec(query.limit(limit) if limit is not None else query).all())
    count = session.exec(select(func.count()).select_from(ComparisonRow).where(*mine)).one()
    return rows, count


def get(session: Session, *, tenant_id: str, comparison_id: str) -> ComparisonRow:
    return scope.comparison(session, tenant_id=tenant_id, comparison_id=comparison_id)


def export(session: Session, *, tenant_id: str, comparison_id: str, kind: str,
           analyzers: AnalyzerCache) -> Download:
    """A download of a stored comparison; the review copy carries the findings of the job that ran the
    comparison (or the contract's latest), the redline needs the template still stored. The Word files are
    built under the file budget, as the comparison was: past it, a 422 (`analysis_timeout`,
    `analysis_out_of_memory`) naming the setting."""
    row = scope.comparison(session, tenant_id=tenant_id, comparison_id=comparison_id)
    contract = stored_document(session, row.contract_id)
    template = stored_document(session, row.template_id)
    assert contract is not None  # deleting a contract deletes its comparisons
    word = kind.endswith(".docx")
    contract_data = stored_bytes(session, row.contract_id) if word else None
    template_data = stored_bytes(session, row.template_id) if word else None
    _, rows = contracts.findings(session, tenant_id=tenant_id, contract_id=row.contract_id, job_id=row.job_id)
    # the risks found: not a rejected one, nor a possible one nobody accepted (nothing in these files marks either)
    findings = [Finding.model_validate(r, from_attributes=True) for r in rows if counted(r)]
    try:
        return render_export(kind, row, contract, template, findings, contract_data=contract_data,
                             template_data=template_data, run=lambda call: within_budget(analyzers, call))
    except BudgetExceeded as exc:
        what = "redline" if kind == "redline.docx" else "review copy"
        raise UnprocessableUpload(budget_reason(exc, what), code=exc.code) from None
    except ImportError as exc:
        raise NotAvailable(str(exc), code="export_unavailable") from None


def contract_export(session: Session, *, tenant_id: str, contract_id: str, kind: str,
                    analyzers: AnalyzerCache) -> Download:
    """A download of the contract's latest finished analysis, every finding with its review (404
    `not_analyzed` while none has finished: an export of nothing would read as "no risks"). The review copy and
    the report are built under the file budget, as the analysis was: past it, a 422 (`analysis_timeout`,
    `analysis_out_of_memory`) naming the setting."""
    job, rows = contracts.findings(session, tenant_id=tenant_id, contract_id=contract_id)
    if job is None:
        raise NotFound(f"contract {contract_id} has no finished analysis yet; export it once its job is done",
                       code="not_analyzed")
    document = contracts.document(session, tenant_id=tenant_id, contract_id=contract_id)
    data = stored_bytes(session, contract_id) if kind == "review.docx" else None
    try:
        return render_contract_export(kind, document, job, rows, data=data,
                                      run=lambda call: within_budget(analyzers, call))
    except BudgetExceeded as exc:
        raise UnprocessableUpload(budget_reason(exc, "review copy" if kind == "review.docx" else "report"),
                                  code=exc.code) from None
    except ImportError as exc:
        raise NotAvailable(str(exc), code="export_unavailable") from None
