-- Search the audit log by agency (the auditor API's agency_id filter). Entries other than uses are indexed by
-- agency (exchanges for an agency's services, and what else names one). Uses are found through their service: the
-- gateway exchanges a token for an assertion to a service's agency before the first use there, so the services an
-- agency's uses went to are those of its token_exchanged entries, and the (service, seq) index finds the uses
-- (their agency_id is then checked exactly). Indexing every use by agency as well cost the ingest ~17 %
-- (bench/audit-append: 54k -> 45k entries/s).
CREATE INDEX audit_entry_agency_events ON audit_entry (agency_id, seq)
    WHERE agency_id IS NOT NULL AND kind <> 'token_used';
