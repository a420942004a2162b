--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: __SCHEMA__; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA __SCHEMA__;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: tunewise_claims; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.tunewise_claims (
    study_id integer NOT NULL,
    key character varying(512) NOT NULL
);


--
-- Name: tunewise_distributions; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.tunewise_distributions (
    id integer NOT NULL,
    study_id integer NOT NULL,
    name character varying(512) NOT NULL,
    distribution text NOT NULL
);


--
-- Name: tunewise_distributions_id_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

CREATE SEQUENCE __SCHEMA__.tunewise_distributions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tunewise_distributions_id_seq; Type: SEQUENCE OWNED BY; Schema: __SCHEMA__; Owner: -
--

ALTER SEQUENCE __SCHEMA__.tunewise_distributions_id_seq OWNED BY __SCHEMA__.tunewise_distributions.id;


--
-- Name: tunewise_meta; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.tunewise_meta (
    key character varying(64) NOT NULL,
    value text NOT NULL
);


--
-- Name: tunewise_studies; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.tunewise_studies (
    study_id integer NOT NULL,
    name character varying(512) NOT NULL,
    directions text NOT NULL,
    next_number integer NOT NULL,
    seq bigint NOT NULL,
    created double precision NOT NULL
);


--
-- Name: tunewise_studies_study_id_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

CREATE SEQUENCE __SCHEMA__.tunewise_studies_study_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tunewise_studies_study_id_seq; Type: SEQUENCE OWNED BY; Schema: __SCHEMA__; Owner: -
--

ALTER SEQUENCE __SCHEMA__.tunewise_studies_study_id_seq OWNED BY __SCHEMA__.tunewise_studies.study_id;


--
-- Name: tunewise_study_attrs; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.tunewise_study_attrs (
    study_id integer NOT NULL,
    key character varying(512) NOT NULL,
    value text NOT NULL
);


--
-- Name: tunewise_trials; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.tunewise_trials (
    trial_id integer NOT NULL,
    study_id integer NOT NULL,
    number integer NOT NULL,
    state character varying(16) NOT NULL,
    value0 double precision,
    objective_values text,
    params text NOT NULL,
    intermediate text NOT NULL,
    user_attrs text NOT NULL,
    system_attrs text NOT NULL,
    datetime_start double precision,
    datetime_complete double precision,
    heartbeat double precision,
    seq bigint NOT NULL,
    retried_from integer
);


--
-- Name: tunewise_trials_trial_id_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

CREATE SEQUENCE __SCHEMA__.tunewise_trials_trial_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: tunewise_trials_trial_id_seq; Type: SEQUENCE OWNED BY; Schema: __SCHEMA__; Owner: -
--

ALTER SEQUENCE __SCHEMA__.tunewise_trials_trial_id_seq OWNED BY __SCHEMA__.tunewise_trials.trial_id;


--
-- Name: tunewise_distributions id; Type: DEFAULT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_distributions ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.tunewise_distributions_id_seq'::regclass);


--
-- Name: tunewise_studies study_id; Type: DEFAULT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_studies ALTER COLUMN study_id SET DEFAULT nextval('__SCHEMA__.tunewise_studies_study_id_seq'::regclass);


--
-- Name: tunewise_trials trial_id; Type: DEFAULT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_trials ALTER COLUMN trial_id SET DEFAULT nextval('__SCHEMA__.tunewise_trials_trial_id_seq'::regclass);


--
-- Data for Name: tunewise_claims; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.tunewise_claims VALUES (1, 'sampler_stream:0:0');
INSERT INTO __SCHEMA__.tunewise_claims VALUES (1, 'grid-0');


--
-- Data for Name: tunewise_distributions; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.tunewise_distributions VALUES (1, 1, 'x', '{"type": "float", "low": -1.0, "high": 1.0, "log": false, "step": null}');
INSERT INTO __SCHEMA__.tunewise_distributions VALUES (2, 1, 'c', '{"type": "categorical", "choices": ["a", "b"]}');


--
-- Data for Name: tunewise_meta; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.tunewise_meta VALUES ('schema_version', '2');
INSERT INTO __SCHEMA__.tunewise_meta VALUES ('tunewise_version', '0.1.0');


--
-- Data for Name: tunewise_studies; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.tunewise_studies VALUES (1, 'old', '["minimize"]', 9, 28, 1796414084.8365524);


--
-- Data for Name: tunewise_study_attrs; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.tunewise_study_attrs VALUES (1, 'heartbeat', '{"interval":0.0,"grace":0.0,"max_retries":0}');
INSERT INTO __SCHEMA__.tunewise_study_attrs VALUES (1, 'max_trials', '12');
INSERT INTO __SCHEMA__.tunewise_study_attrs VALUES (1, 'user', '{"owner":"ana","loss":NaN}');
INSERT INTO __SCHEMA__.tunewise_study_attrs VALUES (1, 'system', '{"strategy":{"sampler":{"name":"RandomSampler","seed":0}},"note":{"k":[1,2]}}');


--
-- Data for Name: tunewise_trials; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.tunewise_trials VALUES (1, 1, 0, 'COMPLETE', 0.07503401517575926, '[0.07503401517575926]', '{"x":0.2739233746429086,"c":"a"}', '{"0":0.2739233746429086,"1":0.1369616873214543}', '{"c_is_a":true}', '{}', 1796414084.9219275, 1796414084.9758918, 1796414084.963297, 4, NULL);
INSERT INTO __SCHEMA__.tunewise_trials VALUES (2, 1, 1, 'COMPLETE', 0.8428212229102209, '[0.8428212229102209]', '{"x":-0.9180529521276106,"c":"a"}', '{"0":-0.9180529521276106,"1":-0.4590264760638053}', '{"c_is_a":true}', '{}', 1796414084.979754, 1796414085.0078256, 1796414085.004511, 8, NULL);
INSERT INTO __SCHEMA__.tunewise_trials VALUES (3, 1, 2, 'COMPLETE', 0.3925529710743836, '[0.3925529710743836]', '{"x":0.6265404784005448,"c":"b"}', '{"0":0.6265404784005448,"1":0.3132702392002724}', '{"c_is_a":false}', '{}', 1796414085.0237575, 1796414085.0554423, 1796414085.038238, 12, NULL);
INSERT INTO __SCHEMA__.tunewise_trials VALUES (4, 1, 3, 'PRUNED', 0.10663577576717986, '[0.10663577576717986]', '{"x":0.21327155153435973,"c":"b"}', '{"0":0.21327155153435973,"1":0.10663577576717986}', '{"c_is_a":false}', '{}', 1796414085.0598524, 1796414085.0837288, 1796414085.064701, 16, NULL);
INSERT INTO __SCHEMA__.tunewise_trials VALUES (5, 1, 4, 'FAILED', NULL, NULL, '{"x":0.08724998293084574,"c":"b"}', '{"0":0.08724998293084574,"1":0.04362499146542287}', '{"c_is_a":false}', '{"fail_reason":"ValueError: trial 4 fails","traceback":"Traceback (most recent call last):\n  File \"/tmp/base-storage/src/tunewise/study.py\", line 591, in _run_trial\n    result = func(trial)\n             ^^^^^^^^^^^\n  File \"/tmp/base-storage/tests/storage/data/make_old_databases.py\", line 41, in objective\n    raise ValueError(\"trial 4 fails\")\nValueError: trial 4 fails\n"}', 1796414085.0917075, 1796414085.1322446, 1796414085.124227, 20, NULL);
INSERT INTO __SCHEMA__.tunewise_trials VALUES (6, 1, 5, 'COMPLETE', 0.39905387060481456, '[0.39905387060481456]', '{"x":0.6317071082430643,"c":"a"}', '{"0":0.6317071082430643,"1":0.31585355412153215}', '{"c_is_a":true}', '{}', 1796414085.144049, 1796414085.1663306, 1796414085.158936, 24, NULL);
INSERT INTO __SCHEMA__.tunewise_trials VALUES (7, 1, 6, 'RUNNING', NULL, NULL, '{"x":0.7148085531751387}', '{}', '{}', '{}', 1796414085.1681054, NULL, 1796414085.183926, 26, NULL);
INSERT INTO __SCHEMA__.tunewise_trials VALUES (8, 1, 7, 'WAITING', NULL, NULL, '{}', '{}', '{}', '{"retried_from":4,"retry_attempt":1,"fixed_params":{"x":0.5,"c":"a"}}', NULL, NULL, NULL, 27, 4);
INSERT INTO __SCHEMA__.tunewise_trials VALUES (9, 1, 8, 'WAITING', NULL, NULL, '{}', '{}', '{"why":"a hunch"}', '{"fixed_params":{"x":0.25,"c":"b"}}', NULL, NULL, NULL, 28, NULL);


--
-- Name: tunewise_distributions_id_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.tunewise_distributions_id_seq', 2, true);


--
-- Name: tunewise_studies_study_id_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.tunewise_studies_study_id_seq', 1, true);


--
-- Name: tunewise_trials_trial_id_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.tunewise_trials_trial_id_seq', 9, true);


--
-- Name: tunewise_claims tunewise_claims_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_claims
    ADD CONSTRAINT tunewise_claims_pkey PRIMARY KEY (study_id, key);


--
-- Name: tunewise_distributions tunewise_distributions_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_distributions
    ADD CONSTRAINT tunewise_distributions_pkey PRIMARY KEY (id);


--
-- Name: tunewise_meta tunewise_meta_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_meta
    ADD CONSTRAINT tunewise_meta_pkey PRIMARY KEY (key);


--
-- Name: tunewise_studies tunewise_studies_name_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_studies
    ADD CONSTRAINT tunewise_studies_name_key UNIQUE (name);


--
-- Name: tunewise_studies tunewise_studies_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_studies
    ADD CONSTRAINT tunewise_studies_pkey PRIMARY KEY (study_id);


--
-- Name: tunewise_study_attrs tunewise_study_attrs_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_study_attrs
    ADD CONSTRAINT tunewise_study_attrs_pkey PRIMARY KEY (study_id, key);


--
-- Name: tunewise_trials tunewise_trials_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_trials
    ADD CONSTRAINT tunewise_trials_pkey PRIMARY KEY (trial_id);


--
-- Name: tunewise_distributions uq_tunewise_distributions; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_distributions
    ADD CONSTRAINT uq_tunewise_distributions UNIQUE (study_id, name);


--
-- Name: tunewise_trials uq_tunewise_trials_number; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tunewise_trials
    ADD CONSTRAINT uq_tunewise_trials_number UNIQUE (study_id, number);


--
-- Name: ix_tunewise_trials_seq; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX ix_tunewise_trials_seq ON __SCHEMA__.tunewise_trials USING btree (study_id, seq);


--
-- Name: ix_tunewise_trials_state; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX ix_tunewise_trials_state ON __SCHEMA__.tunewise_trials USING btree (study_id, state, number);


--
-- PostgreSQL database dump complete
--


