-- Training sessions for team members and who attended them.
CREATE TABLE training_sessions (
    code          VARCHAR PRIMARY KEY,
    commune_code  VARCHAR NOT NULL,
    held_on       DATE NOT NULL,
    topic         VARCHAR NOT NULL,
    organiser     VARCHAR,
    place         VARCHAR,
    upload_id     INTEGER
);

CREATE TABLE training_attendance (
    session_code  VARCHAR NOT NULL,
    member_code   VARCHAR NOT NULL,
    attended      BOOLEAN NOT NULL,
    PRIMARY KEY (session_code, member_code)
);
