-- Values a model proposed for a template's slot (`curator template expand`): deduplicated, checked against the
-- held-out guard, and kept apart from the template until the analyst accepts them (then they are appended to
-- the slot). status: proposed | accepted | rejected | duplicate | contaminated; reason says why one was refused.
CREATE SEQUENCE slot_proposal_ids START 1;
CREATE TABLE slot_proposals (
    proposal_id BIGINT PRIMARY KEY DEFAULT nextval('slot_proposal_ids'),
    template_id INTEGER NOT NULL,
    slot VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    reason VARCHAR,
    model VARCHAR NOT NULL,
    settings JSON NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
