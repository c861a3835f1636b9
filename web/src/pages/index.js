// pages/index.js — the page registry: one import and one entry per page.
// The order is the order of the navigation; a user lands on the first entry
// their role may open.  See app.js for what a page module exports.
import account from './account.js';
import audit from './audit.js';
import myclass from './myclass.js';
import overview from './overview.js';
import people from './people.js';
import person from './person.js';
import places from './places.js';
import users from './users.js';

export default [
	overview,
	myclass,
	people,
	person,
	places,
	users,
	audit,
	account,
];
