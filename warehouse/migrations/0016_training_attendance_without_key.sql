-- Training attendance loses its primary key (issue 17): 1.8 million rows nationally, and an index of 190 MB.
-- Every write to it checks the same uniqueness over the rows it wrote (warehouse/write/tables.py, UNIQUE_KEYS).
CREATE TABLE training_attendance_unkeyed (
    commune_code  VARCHAR NOT NULL,
    session_code  VARCHAR NOT NULL,
    member_code   VARCHAR NOT NULL,
    attended      BOOLEAN NOT NULL
);
INSERT INTO training_attendance_unkeyed SELECT commune_code, session_code, member_code, attended
    FROM training_attendance ORDER BY commune_code, session_code, member_code;
DROP TABLE training_attendance;
ALTER TABLE training_attendance_unkeyed RENAME TO training_attendance;
