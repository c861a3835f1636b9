-- 008_operations.sql — campus operations: saved staggered schedules (错峰),
-- ventilation and disinfection schedules and records (通风消毒), supplies
-- (防疫物资), emergency plans and their tasks (应急预案, 压实责任), and
-- inspections with checklists (指导和检查).  Portable SQL (see 001).
-- Rows with school_id NULL are defaults every school sees (like
-- cluster_rule); a school's own row of the same code or kind wins.

-- A staggered schedule that was saved: the place, the slots, and the result
-- (the JSON of `jinyun stagger`).  Saving writes timetable rows at the zones,
-- so the schedule becomes presence for tracing; this row remembers why.
CREATE TABLE stagger_plan (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  place_id BIGINT NOT NULL REFERENCES place(id),
  slots TEXT NOT NULL,
  weekdays TEXT NOT NULL,
  subject TEXT NOT NULL,
  classes INTEGER NOT NULL,
  meets_total BIGINT NOT NULL,
  meets_max INTEGER NOT NULL,
  lower_bound BIGINT NOT NULL,
  result TEXT NOT NULL,
  created_by BIGINT REFERENCES app_user(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX stagger_plan_school ON stagger_plan (school_id, created_at);

-- What has to be done where.  A schedule applies to one place (place_id) or
-- to every place of a kind (place_kind); for a place, its own schedule of an
-- action replaces the kind's, and a school's kind schedule replaces the
-- default one.  times: due times of day 'HH:MM,HH:MM' in China Standard
-- Time; the k-th record of the day fulfils the k-th time.  weekdays: the
-- days it applies ('12345' = Monday–Friday); school holidays are skipped,
-- make-up days count.
CREATE TABLE hygiene_schedule (
  id @ID@,
  school_id BIGINT REFERENCES school(id),
  place_id BIGINT REFERENCES place(id),
  place_kind TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL CHECK (action IN ('ventilate','disinfect')),
  times TEXT NOT NULL,
  grace_min INTEGER NOT NULL DEFAULT 30 CHECK (grace_min BETWEEN 0 AND 1440),
  weekdays TEXT NOT NULL DEFAULT '12345',
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL,
  CHECK (place_id IS NOT NULL OR place_kind <> '')
);
CREATE INDEX hygiene_schedule_school ON hygiene_schedule (school_id);

INSERT INTO hygiene_schedule (school_id, place_kind, action, times, grace_min, weekdays, name_zh, name_en, updated_at) VALUES
  (NULL, 'classroom', 'ventilate', '07:50,12:00,17:40', 30, '12345', '教室每日开窗通风3次，每次不少于30分钟', 'Classrooms: open the windows 3 times a day, at least 30 minutes each', 0),
  (NULL, 'classroom', 'disinfect', '18:00', 60, '12345', '教室每日清洁消毒1次（桌椅、门把手等高频接触表面）', 'Classrooms: clean and disinfect once a day (desks, door handles and other high-touch surfaces)', 0),
  (NULL, 'lab', 'ventilate', '12:00,17:40', 30, '12345', '实训室每日通风2次', 'Labs and workshops: ventilate twice a day', 0),
  (NULL, 'canteen', 'disinfect', '08:30,13:15,19:00', 45, '1234567', '食堂每餐后消毒（餐桌、地面、餐具）', 'Canteens: disinfect after each meal (tables, floors, tableware)', 0),
  (NULL, 'gate', 'disinfect', '09:00,18:00', 60, '12345', '校门及测温通道每日消毒2次', 'Gates and temperature lanes: disinfect twice a day', 0),
  (NULL, 'dorm_building', 'disinfect', '10:00', 120, '1234567', '宿舍楼公共区域每日消毒1次', 'Dorm buildings: disinfect the common areas once a day', 0),
  (NULL, 'dorm_building', 'ventilate', '07:30,14:00', 60, '1234567', '宿舍楼每日通风2次', 'Dorm buildings: ventilate twice a day', 0),
  (NULL, 'clinic', 'disinfect', '12:00,18:00', 60, '1234567', '医务室每日消毒2次', 'Clinic: disinfect twice a day', 0),
  (NULL, 'isolation_room', 'disinfect', '12:00,18:00', 60, '1234567', '隔离室每日消毒2次，每次使用后终末消毒', 'Isolation rooms: disinfect twice a day, and terminally after each use', 0),
  (NULL, 'observation_room', 'disinfect', '12:00,18:00', 60, '1234567', '留观室每日消毒2次，每次使用后终末消毒', 'Observation room: disinfect twice a day, and terminally after each use', 0),
  (NULL, 'hall', 'ventilate', '12:00', 60, '12345', '礼堂每日通风1次', 'Hall: ventilate once a day', 0);

-- Supplies (防疫物资): the catalogue (NULL school = the default items) …
CREATE TABLE supply_item (
  id @ID@,
  school_id BIGINT REFERENCES school(id),
  code TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  unit_zh TEXT NOT NULL,
  unit_en TEXT NOT NULL,
  warn_days INTEGER NOT NULL DEFAULT 14 CHECK (warn_days BETWEEN 0 AND 365),
  enabled INTEGER NOT NULL DEFAULT 1,
  UNIQUE (school_id, code)
);
INSERT INTO supply_item (school_id, code, name_zh, name_en, unit_zh, unit_en, warn_days) VALUES
  (NULL, 'ir_thermometer', '红外线体温检测仪', 'infrared body-temperature scanner', '台', 'unit', 0),
  (NULL, 'thermometer_gun', '体温枪（额温枪）', 'thermometer gun (forehead)', '把', 'piece', 0),
  (NULL, 'disinfectant_chlorine', '含氯消毒液', 'chlorine disinfectant', '升', 'litre', 14),
  (NULL, 'alcohol_75', '75%酒精', '75 % alcohol', '瓶', 'bottle', 14),
  (NULL, 'hand_sanitizer', '免洗手消毒液', 'hand sanitiser', '瓶', 'bottle', 14),
  (NULL, 'hand_soap', '洗手液', 'liquid hand soap', '瓶', 'bottle', 14),
  (NULL, 'mask_medical', '一次性医用口罩', 'disposable medical mask', '只', 'piece', 14),
  (NULL, 'mask_n95', 'N95口罩', 'N95 respirator', '只', 'piece', 14),
  (NULL, 'gloves', '一次性手套', 'disposable gloves', '副', 'pair', 14),
  (NULL, 'protective_suit', '防护服', 'protective suit', '套', 'set', 14),
  (NULL, 'goggles', '护目镜', 'goggles', '副', 'pair', 0),
  (NULL, 'batteries', '测温设备电池', 'batteries for thermometers', '节', 'piece', 14);

-- … and every movement of stock at a location (a place).  delta is the
-- signed change at place_id: a receipt adds, an issue (consumption)
-- subtracts, a transfer is two rows (out and in), a count (stocktake)
-- records the difference it found.  Stock = Σ delta; consumption = the
-- issues.  hygiene_record_id: the disinfection that used it.
CREATE TABLE supply_move (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  item_id BIGINT NOT NULL REFERENCES supply_item(id),
  place_id BIGINT NOT NULL REFERENCES place(id),
  kind TEXT NOT NULL CHECK (kind IN ('receipt','issue','transfer','count')),
  delta DOUBLE PRECISION NOT NULL,
  date TEXT NOT NULL,
  at BIGINT NOT NULL,
  party TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  hygiene_record_id BIGINT,
  recorded_by BIGINT REFERENCES app_user(id)
);
CREATE INDEX supply_move_item ON supply_move (school_id, item_id, date);

-- What was done: which place, ventilation or disinfection, when, how and
-- with what, by whom (performer: the person who did it, who may have no
-- account; recorded_by: the user who entered it), and for which alert when
-- it is the extra disinfection an alert asks for.
CREATE TABLE hygiene_record (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  place_id BIGINT NOT NULL REFERENCES place(id),
  action TEXT NOT NULL CHECK (action IN ('ventilate','disinfect')),
  date TEXT NOT NULL,
  at BIGINT NOT NULL,
  method TEXT NOT NULL DEFAULT '',
  agent TEXT NOT NULL DEFAULT '',
  item_id BIGINT REFERENCES supply_item(id),
  quantity DOUBLE PRECISION,
  duration_min INTEGER,
  performer TEXT NOT NULL DEFAULT '',
  alert_id BIGINT REFERENCES alert(id),
  note TEXT NOT NULL DEFAULT '',
  recorded_by BIGINT REFERENCES app_user(id),
  recorded_at BIGINT NOT NULL
);
CREATE INDEX hygiene_record_day ON hygiene_record (school_id, date, place_id);
CREATE INDEX hygiene_record_place ON hygiene_record (place_id, at);

-- Emergency plans (应急预案): a template of steps, each with the role that
-- owns it and a time limit from activation (due_minutes), or by the end of
-- the activation day (same_day, China Standard Time).  trigger_codes: the
-- alert codes that activate the plan automatically when an alert of that
-- code opens (comma list; '*' any alert; '' by hand only).
CREATE TABLE ops_plan (
  id @ID@,
  school_id BIGINT REFERENCES school(id),
  code TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  trigger_codes TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL,
  UNIQUE (school_id, code)
);

CREATE TABLE ops_plan_step (
  id @ID@,
  plan_id BIGINT NOT NULL REFERENCES ops_plan(id),
  seq INTEGER NOT NULL,
  title_zh TEXT NOT NULL,
  title_en TEXT NOT NULL,
  owner_role TEXT NOT NULL CHECK (owner_role IN ('admin','principal','reporter','teacher','gate','logistics')),
  due_minutes INTEGER NOT NULL CHECK (due_minutes BETWEEN 0 AND 525600),
  same_day INTEGER NOT NULL DEFAULT 0,
  UNIQUE (plan_id, seq)
);

INSERT INTO ops_plan (school_id, code, name_zh, name_en, trigger_codes, updated_at) VALUES
  (NULL, 'suspected_case', '校园内出现疑似病例应急处置预案', 'Suspected case on campus', '', 0),
  (NULL, 'gi_outbreak', '诺如病毒等肠道传染病聚集性疫情处置预案', 'Norovirus and other intestinal outbreaks', 'norovirus,bacillary_dysentery,hfmd', 0),
  (NULL, 'respiratory_cluster', '流感等呼吸道传染病聚集性疫情处置预案', 'Influenza and other respiratory clusters', 'ili,measles,varicella,mumps,rubella,scarlet_fever', 0);

INSERT INTO ops_plan_step (plan_id, seq, title_zh, title_en, owner_role, due_minutes, same_day)
  SELECT id, 1, '立即将疑似病例转移至隔离室（临时留观室）', 'Move the suspected case to the isolation (observation) room at once', 'reporter', 10, 0 FROM ops_plan WHERE code = 'suspected_case' AND school_id IS NULL
  UNION ALL SELECT id, 2, '通知家长', 'Notify the parents', 'teacher', 60, 0 FROM ops_plan WHERE code = 'suspected_case' AND school_id IS NULL
  UNION ALL SELECT id, 3, '向疾控机构和教育行政部门报告', 'Report to the CDC and the education bureau', 'reporter', 120, 0 FROM ops_plan WHERE code = 'suspected_case' AND school_id IS NULL
  UNION ALL SELECT id, 4, '对病例所在教室等场所进行终末消毒', 'Terminal disinfection of the case''s classroom and other places', 'logistics', 1440, 1 FROM ops_plan WHERE code = 'suspected_case' AND school_id IS NULL
  UNION ALL SELECT id, 5, '配合疾控机构排查密切接触者', 'Trace close contacts with the CDC', 'reporter', 1440, 0 FROM ops_plan WHERE code = 'suspected_case' AND school_id IS NULL
  UNION ALL SELECT id, 6, '领导小组研判，决定是否停课', 'Leading group: assess, decide whether to suspend classes', 'principal', 1440, 0 FROM ops_plan WHERE code = 'suspected_case' AND school_id IS NULL
  UNION ALL SELECT id, 1, '规范处置呕吐物、排泄物', 'Clean up vomit and faeces by the protocol', 'logistics', 60, 0 FROM ops_plan WHERE code = 'gi_outbreak' AND school_id IS NULL
  UNION ALL SELECT id, 2, '向疾控机构和教育行政部门报告', 'Report to the CDC and the education bureau', 'reporter', 120, 0 FROM ops_plan WHERE code = 'gi_outbreak' AND school_id IS NULL
  UNION ALL SELECT id, 3, '病例居家隔离至症状消失后72小时', 'Cases stay home until 72 hours after symptoms end', 'teacher', 240, 0 FROM ops_plan WHERE code = 'gi_outbreak' AND school_id IS NULL
  UNION ALL SELECT id, 4, '食堂、卫生间、教室加强消毒', 'Extra disinfection of canteen, toilets and classrooms', 'logistics', 1440, 1 FROM ops_plan WHERE code = 'gi_outbreak' AND school_id IS NULL
  UNION ALL SELECT id, 5, '核查食品和饮用水安全', 'Check food and drinking-water safety', 'logistics', 1440, 0 FROM ops_plan WHERE code = 'gi_outbreak' AND school_id IS NULL
  UNION ALL SELECT id, 6, '加强晨午检和因病缺勤追踪', 'Step up morning/noon checks and illness-absence follow-up', 'teacher', 1440, 0 FROM ops_plan WHERE code = 'gi_outbreak' AND school_id IS NULL
  UNION ALL SELECT id, 1, '有症状学生居家休息、就医', 'Symptomatic students rest at home and see a doctor', 'teacher', 60, 0 FROM ops_plan WHERE code = 'respiratory_cluster' AND school_id IS NULL
  UNION ALL SELECT id, 2, '向疾控机构和教育行政部门报告', 'Report to the CDC and the education bureau', 'reporter', 120, 0 FROM ops_plan WHERE code = 'respiratory_cluster' AND school_id IS NULL
  UNION ALL SELECT id, 3, '相关教室、宿舍增加通风和消毒', 'More ventilation and disinfection of the classrooms and dorms involved', 'logistics', 1440, 1 FROM ops_plan WHERE code = 'respiratory_cluster' AND school_id IS NULL
  UNION ALL SELECT id, 4, '核查疫苗接种情况', 'Check vaccination records', 'reporter', 4320, 0 FROM ops_plan WHERE code = 'respiratory_cluster' AND school_id IS NULL
  UNION ALL SELECT id, 5, '领导小组研判，必要时停课', 'Leading group: assess, suspend classes if needed', 'principal', 1440, 0 FROM ops_plan WHERE code = 'respiratory_cluster' AND school_id IS NULL;

-- An activation: by hand (activated_by) or by an alert (alert_id,
-- activated_by NULL).  A plan is activated at most once per alert.
CREATE TABLE ops_activation (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  plan_id BIGINT NOT NULL REFERENCES ops_plan(id),
  alert_id BIGINT REFERENCES alert(id),
  reason TEXT NOT NULL DEFAULT '',
  activated_by BIGINT REFERENCES app_user(id),
  activated_at BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','closed')),
  closed_at BIGINT,
  closed_by BIGINT REFERENCES app_user(id)
);
CREATE INDEX ops_activation_school ON ops_activation (school_id, status);
CREATE INDEX ops_activation_alert ON ops_activation (alert_id, plan_id);

-- Inspections (指导和检查): checklists (NULL school = defaults) …
CREATE TABLE ops_checklist (
  id @ID@,
  school_id BIGINT REFERENCES school(id),
  code TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  UNIQUE (school_id, code)
);

CREATE TABLE ops_checklist_item (
  id @ID@,
  checklist_id BIGINT NOT NULL REFERENCES ops_checklist(id),
  seq INTEGER NOT NULL,
  text_zh TEXT NOT NULL,
  text_en TEXT NOT NULL,
  owner_role TEXT NOT NULL CHECK (owner_role IN ('admin','principal','reporter','teacher','gate','logistics')),
  due_hours INTEGER NOT NULL DEFAULT 72 CHECK (due_hours BETWEEN 1 AND 8760),
  UNIQUE (checklist_id, seq)
);

INSERT INTO ops_checklist (school_id, code, name_zh, name_en) VALUES
  (NULL, 'reopening', '开学复课疫情防控准备检查', 'Reopening: epidemic-prevention readiness'),
  (NULL, 'daily_hygiene', '日常通风消毒检查', 'Daily ventilation and disinfection');

INSERT INTO ops_checklist_item (checklist_id, seq, text_zh, text_en, owner_role, due_hours)
  SELECT id, 1, '已制定各项应急预案并完成演练', 'Emergency plans written and rehearsed', 'principal', 72 FROM ops_checklist WHERE code = 'reopening' AND school_id IS NULL
  UNION ALL SELECT id, 2, '师生返校前旅居史、健康状况已全部排查', 'Every student and staff member screened for travel and health before return', 'reporter', 48 FROM ops_checklist WHERE code = 'reopening' AND school_id IS NULL
  UNION ALL SELECT id, 3, '校门测温通道、红外线体温检测仪就位', 'Gate temperature lanes and infrared scanners in place', 'logistics', 24 FROM ops_checklist WHERE code = 'reopening' AND school_id IS NULL
  UNION ALL SELECT id, 4, '医务室、隔离室、临时留观室设置规范', 'Clinic, isolation rooms and observation room set up to standard', 'reporter', 48 FROM ops_checklist WHERE code = 'reopening' AND school_id IS NULL
  UNION ALL SELECT id, 5, '防疫物资（体温枪、消毒液、口罩等）储备满足需要', 'Supplies (thermometer guns, disinfectant, masks …) in stock', 'logistics', 48 FROM ops_checklist WHERE code = 'reopening' AND school_id IS NULL
  UNION ALL SELECT id, 6, '食堂错峰就餐安排已落实，分区就座不超员', 'Staggered canteen sittings in place, no zone over its seats', 'logistics', 72 FROM ops_checklist WHERE code = 'reopening' AND school_id IS NULL
  UNION ALL SELECT id, 7, '教室、宿舍、食堂通风消毒记录完整', 'Ventilation and disinfection records of classrooms, dorms and canteens complete', 'logistics', 24 FROM ops_checklist WHERE code = 'reopening' AND school_id IS NULL
  UNION ALL SELECT id, 8, '晨午检和因病缺勤追踪制度落实', 'Morning/noon checks and illness-absence follow-up in place', 'teacher', 24 FROM ops_checklist WHERE code = 'reopening' AND school_id IS NULL
  UNION ALL SELECT id, 9, '不能按时返校学生的个性化教学辅导已安排', 'Tutoring arranged for students who cannot return on time', 'principal', 72 FROM ops_checklist WHERE code = 'reopening' AND school_id IS NULL
  UNION ALL SELECT id, 1, '教室按时开窗通风', 'Classrooms ventilated on time', 'logistics', 24 FROM ops_checklist WHERE code = 'daily_hygiene' AND school_id IS NULL
  UNION ALL SELECT id, 2, '食堂餐后消毒并记录', 'Canteen disinfected after each meal and recorded', 'logistics', 24 FROM ops_checklist WHERE code = 'daily_hygiene' AND school_id IS NULL
  UNION ALL SELECT id, 3, '消毒液按规定浓度配制并记录', 'Disinfectant mixed at the set concentration and recorded', 'logistics', 24 FROM ops_checklist WHERE code = 'daily_hygiene' AND school_id IS NULL
  UNION ALL SELECT id, 4, '洗手设施完好，洗手液充足', 'Hand-washing points work and have soap', 'logistics', 24 FROM ops_checklist WHERE code = 'daily_hygiene' AND school_id IS NULL
  UNION ALL SELECT id, 5, '垃圾日产日清', 'Waste removed every day', 'logistics', 24 FROM ops_checklist WHERE code = 'daily_hygiene' AND school_id IS NULL;

-- … and the inspections with their findings.  A failed item opens a
-- follow-up task (ops_task) owned by the item's role.
CREATE TABLE ops_inspection (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  checklist_id BIGINT NOT NULL REFERENCES ops_checklist(id),
  place_id BIGINT REFERENCES place(id),
  date TEXT NOT NULL,
  inspector TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  recorded_by BIGINT REFERENCES app_user(id),
  recorded_at BIGINT NOT NULL
);
CREATE INDEX ops_inspection_school ON ops_inspection (school_id, date);

-- Tasks of plans and inspections: an owner role, a deadline, completion.
-- (Alert response tasks stay in alert_task.)
CREATE TABLE ops_task (
  id @ID@,
  school_id BIGINT NOT NULL REFERENCES school(id),
  activation_id BIGINT REFERENCES ops_activation(id),
  inspection_id BIGINT REFERENCES ops_inspection(id),
  seq INTEGER NOT NULL,
  title_zh TEXT NOT NULL,
  title_en TEXT NOT NULL,
  owner_role TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  done_at BIGINT,
  done_by BIGINT REFERENCES app_user(id),
  note TEXT NOT NULL DEFAULT '',
  CHECK (activation_id IS NOT NULL OR inspection_id IS NOT NULL)
);
CREATE INDEX ops_task_open ON ops_task (school_id, done_at, due_at);
CREATE INDEX ops_task_activation ON ops_task (activation_id);
CREATE INDEX ops_task_inspection ON ops_task (inspection_id);

CREATE TABLE ops_finding (
  inspection_id BIGINT NOT NULL REFERENCES ops_inspection(id),
  item_id BIGINT NOT NULL REFERENCES ops_checklist_item(id),
  school_id BIGINT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('pass','fail','na')),
  note TEXT NOT NULL DEFAULT '',
  task_id BIGINT REFERENCES ops_task(id),
  PRIMARY KEY (inspection_id, item_id)
);
