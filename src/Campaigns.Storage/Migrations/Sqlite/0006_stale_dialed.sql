-- Dialed attempts whose batch is gone (it gave up, or the campaign was cancelled while workers were down) are
-- settled by the sweeper: this partial index lets it find them without reading every attempt ever made.
CREATE INDEX call_attempts_dialed ON call_attempts (updated_at, attempt_key) WHERE state = 'dialed';
