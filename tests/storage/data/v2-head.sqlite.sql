BEGIN TRANSACTION;
CREATE TABLE tunewise_claims (
	study_id INTEGER NOT NULL, 
	"key" VARCHAR(512) NOT NULL, 
	PRIMARY KEY (study_id, "key")
);
INSERT INTO "tunewise_claims" VALUES(1,'sampler_stream:0:0');
INSERT INTO "tunewise_claims" VALUES(1,'grid-0');
CREATE TABLE tunewise_distributions (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	study_id INTEGER NOT NULL, 
	name VARCHAR(512) NOT NULL, 
	distribution TEXT NOT NULL, 
	CONSTRAINT uq_tunewise_distributions UNIQUE (study_id, name)
);
INSERT INTO "tunewise_distributions" VALUES(1,1,'x','{"type": "float", "low": -1.0, "high": 1.0, "log": false, "step": null}');
INSERT INTO "tunewise_distributions" VALUES(2,1,'c','{"type": "categorical", "choices": ["a", "b"]}');
CREATE TABLE tunewise_meta (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "tunewise_meta" VALUES('schema_version','2');
INSERT INTO "tunewise_meta" VALUES('tunewise_version','0.1.0');
CREATE TABLE tunewise_studies (
	study_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	name VARCHAR(512) NOT NULL, 
	directions TEXT NOT NULL, 
	next_number INTEGER NOT NULL, 
	seq BIGINT NOT NULL, 
	created FLOAT NOT NULL, 
	UNIQUE (name)
);
INSERT INTO "tunewise_studies" VALUES(1,'old','["minimize"]',9,28,1.79641408387640142438e+09);
CREATE TABLE tunewise_study_attrs (
	study_id INTEGER NOT NULL, 
	"key" VARCHAR(512) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (study_id, "key")
);
INSERT INTO "tunewise_study_attrs" VALUES(1,'system','{"strategy":{"sampler":{"name":"RandomSampler","seed":0}},"note":{"k":[1,2]}}');
INSERT INTO "tunewise_study_attrs" VALUES(1,'heartbeat','{"interval":0.0,"grace":0.0,"max_retries":0}');
INSERT INTO "tunewise_study_attrs" VALUES(1,'max_trials','12');
INSERT INTO "tunewise_study_attrs" VALUES(1,'user','{"owner":"ana","loss":NaN}');
CREATE TABLE tunewise_trials (
	trial_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	study_id INTEGER NOT NULL, 
	number INTEGER NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	value0 FLOAT, 
	objective_values TEXT, 
	params TEXT NOT NULL, 
	intermediate TEXT NOT NULL, 
	user_attrs TEXT NOT NULL, 
	system_attrs TEXT NOT NULL, 
	datetime_start FLOAT, 
	datetime_complete FLOAT, 
	heartbeat FLOAT, 
	seq BIGINT NOT NULL, 
	retried_from INTEGER, 
	CONSTRAINT uq_tunewise_trials_number UNIQUE (study_id, number)
);
INSERT INTO "tunewise_trials" VALUES(1,1,0,'COMPLETE',7.5034015175759263827e-02,'[0.07503401517575926]','{"x":0.2739233746429086,"c":"a"}','{"0":0.2739233746429086,"1":0.1369616873214543}','{"c_is_a":true}','{}',1.79641408388175106048e+09,1.7964140838828160763e+09,1.79641408388268160821e+09,4,NULL);
INSERT INTO "tunewise_trials" VALUES(2,1,1,'COMPLETE',8.42821222910220879676e-01,'[0.8428212229102209]','{"x":-0.9180529521276106,"c":"a"}','{"0":-0.9180529521276106,"1":-0.4590264760638053}','{"c_is_a":true}','{}',1.79641408388297915462e+09,1.79641408388335275646e+09,1.79641408388326740265e+09,8,NULL);
INSERT INTO "tunewise_trials" VALUES(3,1,2,'COMPLETE',3.92552971074383583172e-01,'[0.3925529710743836]','{"x":0.6265404784005448,"c":"b"}','{"0":0.6265404784005448,"1":0.3132702392002724}','{"c_is_a":false}','{}',1.79641408389317083359e+09,1.79641408389390277861e+09,1.79641408389379906651e+09,12,NULL);
INSERT INTO "tunewise_trials" VALUES(4,1,3,'PRUNED',1.06635775767179863393e-01,'[0.10663577576717986]','{"x":0.21327155153435973,"c":"b"}','{"0":0.21327155153435973,"1":0.10663577576717986}','{"c_is_a":false}','{}',1.79641408389404726025e+09,1.79641408389441919329e+09,1.79641408389434385295e+09,16,NULL);
INSERT INTO "tunewise_trials" VALUES(5,1,4,'FAILED',NULL,NULL,'{"x":0.08724998293084574,"c":"b"}','{"0":0.08724998293084574,"1":0.04362499146542287}','{"c_is_a":false}','{"fail_reason":"ValueError: trial 4 fails","traceback":"Traceback (most recent call last):\n  File \"/tmp/base-storage/src/tunewise/study.py\", line 591, in _run_trial\n    result = func(trial)\n             ^^^^^^^^^^^\n  File \"/tmp/base-storage/tests/storage/data/make_old_databases.py\", line 41, in objective\n    raise ValueError(\"trial 4 fails\")\nValueError: trial 4 fails\n"}',1.79641408389453101162e+09,1.79641408390109920496e+09,1.79641408389476394651e+09,20,NULL);
INSERT INTO "tunewise_trials" VALUES(6,1,5,'COMPLETE',3.99053870604814564515e-01,'[0.39905387060481456]','{"x":0.6317071082430643,"c":"a"}','{"0":0.6317071082430643,"1":0.31585355412153215}','{"c_is_a":true}','{}',1.79641408390154147141e+09,1.79641408390197348599e+09,1.79641408390188837048e+09,24,NULL);
INSERT INTO "tunewise_trials" VALUES(7,1,6,'RUNNING',NULL,NULL,'{"x":0.7148085531751387}','{}','{}','{}',1.79641408390217494962e+09,NULL,1.79641408390233230595e+09,26,NULL);
INSERT INTO "tunewise_trials" VALUES(8,1,7,'WAITING',NULL,NULL,'{}','{}','{}','{"retried_from":4,"retry_attempt":1,"fixed_params":{"x":0.5,"c":"a"}}',NULL,NULL,NULL,27,4);
INSERT INTO "tunewise_trials" VALUES(9,1,8,'WAITING',NULL,NULL,'{}','{}','{"why":"a hunch"}','{"fixed_params":{"x":0.25,"c":"b"}}',NULL,NULL,NULL,28,NULL);
CREATE INDEX ix_tunewise_trials_seq ON tunewise_trials (study_id, seq);
CREATE INDEX ix_tunewise_trials_state ON tunewise_trials (study_id, state, number);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('tunewise_studies',1);
INSERT INTO "sqlite_sequence" VALUES('tunewise_trials',9);
INSERT INTO "sqlite_sequence" VALUES('tunewise_distributions',2);
COMMIT;
