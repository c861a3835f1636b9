// pages/index.js — the page registry: one import and one entry per page.
// The order is the order of the navigation; a user lands on the first entry
// their role may open.  See app.js for what a page module exports.
import account from './account.js';
import alert from './alert.js';
import alerts from './alerts.js';
import audit from './audit.js';
import calendar from './calendar.js';
import caseDetail from './case.js';
import cases from './cases.js';
import chains from './chains.js';
import census from './census.js';
import devices from './devices.js';
import imports from './imports.js';
import ops from './ops.js';
import plans from './plans.js';
import riskregions from './riskregions.js';
import screenrules from './screenrules.js';
import stagger from './stagger.js';
import check from './check.js';
import gate from './gate.js';
import district from './district.js';
import myclass from './myclass.js';
import overview from './overview.js';
import people from './people.js';
import person from './person.js';
import places from './places.js';
import report from './report.js';
import rules from './rules.js';
import tasks from './tasks.js';
import timeline from './timeline.js';
import users from './users.js';
// Return to school (开学复课)
import declare from './declare.js';
import returnAbsent from './return-absent.js';
import returnKeyGroups from './return-keygroups.js';
import returnLinks from './return-links.js';
import returnOverview from './return.js';
import returnPeople from './return-people.js';
import returnPerson from './return-person.js';
import returnPlan from './return-plan.js';
import returnScreening from './return-screening.js';

export default [
	district,
	overview,
	census,
	check,
	myclass,
	alerts,
	alert,
	cases,
	chains,
	caseDetail,
	tasks,
	report,
	// return to school
	returnOverview, returnPeople, returnPerson, returnScreening, returnAbsent, returnKeyGroups, returnPlan, returnLinks,
	declare,
	people,
	timeline,
	person,
	places,
	ops,
	plans,
	stagger,
	rules,
	calendar,
	users,
	imports,
	riskregions,
	screenrules,
	devices,
	audit,
	gate,
	account,
];
