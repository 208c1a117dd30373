-- Uploads are scoped to their communes (issue 12): a training session's code is unique within its commune (two
-- communes may both hold a session "TH-01"), every upload records the communes it touches, and a new team member's
-- code is never given twice.

-- A session is (commune_code, code); its attendance carries the commune, so that a load or undo of one commune's
-- sessions never reaches another's.
CREATE TABLE training_sessions_of_communes (
    code          VARCHAR NOT NULL,
    commune_code  VARCHAR NOT NULL,
    held_on       DATE NOT NULL,
    topic         VARCHAR NOT NULL,
    organiser     VARCHAR,
    place         VARCHAR,
    upload_id     INTEGER,
    PRIMARY KEY (commune_code, code)
);
INSERT INTO training_sessions_of_communes
    SELECT code, commune_code, held_on, topic, organiser, place, upload_id FROM training_sessions;

-- Session codes were unique so far: an attendance row's session gives its commune (else its member's team does).
CREATE TABLE training_attendance_of_communes (
    commune_code  VARCHAR NOT NULL,
    session_code  VARCHAR NOT NULL,
    member_code   VARCHAR NOT NULL,
    attended      BOOLEAN NOT NULL,
    PRIMARY KEY (commune_code, session_code, member_code)
);
INSERT INTO training_attendance_of_communes
    SELECT coalesce(s.commune_code, v.commune_code, ''), a.session_code, a.member_code, a.attended
    FROM training_attendance a
    LEFT JOIN training_sessions s ON s.code = a.session_code
    LEFT JOIN members m ON m.code = a.member_code
    LEFT JOIN teams t ON t.code = m.team_code
    LEFT JOIN villages v ON v.code = t.village_code;

DROP TABLE training_attendance;
DROP TABLE training_sessions;
ALTER TABLE training_sessions_of_communes RENAME TO training_sessions;
ALTER TABLE training_attendance_of_communes RENAME TO training_attendance;

ALTER TABLE replaced_training_attendance ADD COLUMN commune_code VARCHAR;
UPDATE replaced_training_attendance r SET commune_code = coalesce(
    (SELECT min(s.commune_code) FROM replaced_training_sessions s
     WHERE s.replaced_by_upload = r.replaced_by_upload AND s.code = r.session_code),
    (SELECT min(s.commune_code) FROM training_sessions s WHERE s.code = r.session_code),
    '');

-- Training uploads replaced sessions by code (part 'session'); they now replace them by commune and code.
UPDATE upload_scope sc SET part = 'commune_session', sub_key = sc.key, key = coalesce(
    (SELECT min(s.commune_code) FROM training_sessions s WHERE s.code = sc.key),
    (SELECT min(s.commune_code) FROM replaced_training_sessions s WHERE s.code = sc.key),
    (SELECT u.commune_code FROM uploads u WHERE u.id = sc.upload_id),
    '')
WHERE part = 'session';

-- Every commune an upload of a file touched (uploads.commune_code names it only when there is one).
CREATE TABLE upload_communes (
    upload_id     INTEGER NOT NULL,
    commune_code  VARCHAR NOT NULL,
    PRIMARY KEY (upload_id, commune_code)
);
INSERT OR IGNORE INTO upload_communes SELECT id, commune_code FROM uploads WHERE commune_code IS NOT NULL;
INSERT OR IGNORE INTO upload_communes
    SELECT DISTINCT sc.upload_id, v.commune_code FROM upload_scope sc
    JOIN (SELECT code, commune_code FROM villages UNION SELECT code, commune_code FROM replaced_villages) v
      ON v.code = sc.key
    WHERE sc.part IN ('village', 'village_period');
INSERT OR IGNORE INTO upload_communes
    SELECT DISTINCT upload_id, key FROM upload_scope
    WHERE part IN ('commune_session', 'new_commune', 'village_boundaries', 'commune_boundary') AND key <> '';

-- The highest number given to a member of each team (`<team>-<number>`), so that a code is never given twice,
-- not even after the upload that gave it was undone.
CREATE TABLE member_numbers (
    team_code    VARCHAR PRIMARY KEY,
    last_number  INTEGER NOT NULL
);
