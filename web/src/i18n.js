// i18n.js — the one message catalogue: every string the user reads is here,
// in Chinese (zh-CN, the default) and English.
//
// t('roster.summary', { shown: 50, total: 480 }) looks the key up in the
// current language (falling back to Chinese, then to the key itself) and
// fills {name} placeholders.  setLang('en') remembers the choice in
// localStorage, sets <html lang> and tells the listeners (the shell
// re-renders).  Numbers and times are formatted for the current language
// with Intl.  tests/e2e/run.mjs checks that both tables have the same keys.

export const zh = {
	'app.name': '金云',
	'app.subtitle': '校园传染病防控系统',

	'lang.other': 'English',
	'lang.switch': '切换到英文 Switch to English',

	'nav.label': '主导航',
	'nav.skip': '跳到主要内容',
	'nav.overview': '概览',
	'nav.myclass': '我的班级',
	'nav.people': '名单',
	'nav.places': '场所',
	'nav.users': '用户',
	'nav.audit': '审计日志',
	'nav.account': '我的账号',

	'auth.logout': '退出',

	'login.title': '登录',
	'login.username': '用户名',
	'login.password': '密码',
	'login.submit': '登录',
	'login.wrong': '用户名或密码错误',
	'login.need.username': '请输入用户名',
	'login.need.password': '请输入密码',

	'common.loading': '正在加载…',
	'common.empty': '没有记录',
	'common.more': '加载更多',
	'common.filter': '筛选',
	'common.grade': '年级',
	'common.class': '班级',

	'err.title': '出错了',
	'err.forbidden.title': '无权访问',
	'err.forbidden': '您的角色不能查看此页面或数据。',
	'err.notfound.title': '未找到',
	'err.notfound': '没有这个页面或记录。',
	'err.network': '无法连接服务器，请检查网络后重试。',
	'err.session': '登录已过期，请重新登录。',
	'err.toomany': '登录失败次数过多，请 {s} 秒后再试。',
	'err.invalid': '输入有误：{msg}',
	'err.server': '服务器出错（{status}），请稍后再试。',
	'err.unexpected': '页面出错，请刷新后重试。',

	'role.admin': '系统管理员',
	'role.principal': '校长',
	'role.reporter': '疫情报告人/校医',
	'role.teacher': '班主任',
	'role.gate': '门岗',
	'role.logistics': '后勤',
	'role.district': '区教委/区疾控',

	'scope.school': '全校 {name}',
	'scope.class': '班级 {name}',
	'scope.district': '全区 {name}',

	'gender.M': '男',
	'gender.F': '女',

	'keygroup.chronic_illness': '慢性病',
	'keygroup.disability': '残疾',
	'keygroup.frontline_child': '抗疫一线人员子女',
	'keygroup.hardship': '家庭困难',
	'keygroup.left_behind': '留守儿童',

	'overview.title': '全校概览',
	'overview.students': '学生',
	'overview.classes': '班级',
	'overview.grades': '年级',
	'overview.boarding': '住校 / 床位',
	'overview.occupancy': '床位使用率',
	'overview.byGrade': '各年级在籍人数',
	'overview.classList': '各班在籍人数',
	'overview.enrolled': '在籍',
	'overview.chart.y': '人数',
	'overview.chart.aria': '各年级在籍学生柱状图：{list}',

	'myclass.title': '我的班级',
	'myclass.heading': '我的班级 · {name}',
	'myclass.noclass': '您的账号没有关联班级，请联系管理员。',

	'roster.title': '名单',
	'roster.filters': '筛选名单',
	'roster.allClasses': '全部班级',
	'roster.kind': '类别',
	'roster.allKinds': '全部',
	'roster.kind.student': '学生',
	'roster.kind.staff': '教职工',
	'roster.search': '搜索',
	'roster.search.hint': '姓名或学号/工号的一部分',
	'roster.summary': '共 {total} 人，已显示 {shown} 人',
	'roster.none': '没有符合条件的人员',

	'person.title': '人员详情',
	'person.number': '学号/工号',
	'person.name': '姓名',
	'person.gender': '性别',
	'person.kind': '类别',
	'person.position': '职务',
	'person.dorm': '宿舍',
	'person.guardianPhone': '监护人电话',
	'person.phone': '本人电话',
	'person.keyGroups': '重点群体',
	'person.status': '状态',
	'person.active': '在校',
	'person.inactive': '已离校',
	'person.updated': '更新时间',
	'person.backRoster': '← 返回名单',
	'person.backClass': '← 返回我的班级',

	'places.title': '场所',
	'places.byKind': '按类型',
	'places.kind': '类型',
	'places.allKinds': '全部类型',
	'places.count': '数量',
	'places.capacity': '容量',
	'places.occupants': '在住',
	'places.occupancy.aria': '在住 {n} 人，床位 {cap} 个',
	'places.occupantsOnly': '{n} 人（床位未登记）',
	'places.dorms': '宿舍入住',
	'places.building': '楼栋',
	'places.rooms': '房间',
	'places.beds': '床位',
	'places.list': '场所列表',
	'places.filter': '筛选场所',
	'places.name': '名称',
	'places.floor': '楼层',
	'places.area': '面积 (m²)',
	'places.shown': '共 {n} 处',
	'places.none': '没有此类场所',

	'place.kind.gate': '校门',
	'place.kind.classroom': '教室',
	'place.kind.lab': '实训室',
	'place.kind.canteen': '食堂',
	'place.kind.canteen_zone': '食堂分区',
	'place.kind.dorm_building': '宿舍楼',
	'place.kind.dorm_room': '宿舍',
	'place.kind.clinic': '医务室',
	'place.kind.isolation_room': '隔离室',
	'place.kind.observation_room': '留观室',
	'place.kind.playground': '操场',
	'place.kind.hall': '礼堂',
	'place.kind.office': '办公室',
	'place.kind.other': '其他',

	'audit.title': '审计日志',
	'audit.lead': '谁在何时从何处查看或修改了哪些数据。日志只能追加，不能修改或删除。',
	'audit.filter': '筛选审计日志',
	'audit.personId': '人员编号',
	'audit.at': '时间',
	'audit.user': '用户',
	'audit.action': '操作',
	'audit.entity': '对象',
	'audit.person': '人员',
	'audit.detail': '说明',
	'audit.ip': '地址',
	'audit.earlier': '更早的记录',
	'audit.none': '没有审计记录',
	'audit.action.read': '查看',
	'audit.action.create': '新增',
	'audit.action.update': '修改',
	'audit.action.login': '登录',
	'audit.action.login_failed': '登录失败',
	'audit.entity.person': '人员',
	'audit.entity.place': '场所',
	'audit.entity.session': '会话',

	'account.title': '我的账号',
	'account.username': '用户名',
	'account.role': '角色',
	'account.scope': '范围',

	'users.title': '用户管理',
	'users.pending': '用户管理接口尚未提供；这里暂时只显示当前登录的账号。',
};

export const en = {
	'app.name': 'Jinyun',
	'app.subtitle': 'Campus infectious-disease prevention',

	'lang.other': '中文',
	'lang.switch': '切换到中文 Switch to Chinese',

	'nav.label': 'Main navigation',
	'nav.skip': 'Skip to main content',
	'nav.overview': 'Overview',
	'nav.myclass': 'My class',
	'nav.people': 'Roster',
	'nav.places': 'Places',
	'nav.users': 'Users',
	'nav.audit': 'Audit log',
	'nav.account': 'My account',

	'auth.logout': 'Log out',

	'login.title': 'Log in',
	'login.username': 'Username',
	'login.password': 'Password',
	'login.submit': 'Log in',
	'login.wrong': 'Wrong username or password',
	'login.need.username': 'Please enter your username',
	'login.need.password': 'Please enter your password',

	'common.loading': 'Loading…',
	'common.empty': 'Nothing here',
	'common.more': 'Load more',
	'common.filter': 'Filter',
	'common.grade': 'Grade',
	'common.class': 'Class',

	'err.title': 'Something went wrong',
	'err.forbidden.title': 'Not allowed',
	'err.forbidden': 'Your role may not see this page or these data.',
	'err.notfound.title': 'Not found',
	'err.notfound': 'There is no such page or record.',
	'err.network': 'Cannot reach the server; check the network and try again.',
	'err.session': 'Your session has ended; please log in again.',
	'err.toomany': 'Too many failed logins; try again in {s} s.',
	'err.invalid': 'Invalid input: {msg}',
	'err.server': 'Server error ({status}); please try again later.',
	'err.unexpected': 'The page failed; please reload and try again.',

	'role.admin': 'Administrator',
	'role.principal': 'Principal',
	'role.reporter': 'Epidemic reporter / school doctor',
	'role.teacher': 'Class teacher',
	'role.gate': 'Gate',
	'role.logistics': 'Logistics',
	'role.district': 'District',

	'scope.school': 'School {name}',
	'scope.class': 'Class {name}',
	'scope.district': 'District {name}',

	'gender.M': 'Male',
	'gender.F': 'Female',

	'keygroup.chronic_illness': 'Chronic illness',
	'keygroup.disability': 'Disability',
	'keygroup.frontline_child': 'Child of front-line worker',
	'keygroup.hardship': 'Family hardship',
	'keygroup.left_behind': 'Left-behind child',

	'overview.title': 'School overview',
	'overview.students': 'Students',
	'overview.classes': 'Classes',
	'overview.grades': 'Grades',
	'overview.boarding': 'Boarders / beds',
	'overview.occupancy': 'Bed occupancy',
	'overview.byGrade': 'Enrolment by grade',
	'overview.classList': 'Enrolment by class',
	'overview.enrolled': 'Enrolled',
	'overview.chart.y': 'Students',
	'overview.chart.aria': 'Bar chart of students enrolled by grade: {list}',

	'myclass.title': 'My class',
	'myclass.heading': 'My class · {name}',
	'myclass.noclass': 'Your account has no class; ask the administrator.',

	'roster.title': 'Roster',
	'roster.filters': 'Filter the roster',
	'roster.allClasses': 'All classes',
	'roster.kind': 'Kind',
	'roster.allKinds': 'All',
	'roster.kind.student': 'Student',
	'roster.kind.staff': 'Staff',
	'roster.search': 'Search',
	'roster.search.hint': 'Part of a name or number',
	'roster.summary': '{total} people, {shown} shown',
	'roster.none': 'Nobody matches',

	'person.title': 'Person',
	'person.number': 'Number',
	'person.name': 'Name',
	'person.gender': 'Gender',
	'person.kind': 'Kind',
	'person.position': 'Position',
	'person.dorm': 'Dorm',
	'person.guardianPhone': 'Guardian phone',
	'person.phone': 'Own phone',
	'person.keyGroups': 'Key groups',
	'person.status': 'Status',
	'person.active': 'At school',
	'person.inactive': 'Left',
	'person.updated': 'Updated',
	'person.backRoster': '← Back to the roster',
	'person.backClass': '← Back to my class',

	'places.title': 'Places',
	'places.byKind': 'By kind',
	'places.kind': 'Kind',
	'places.allKinds': 'All kinds',
	'places.count': 'Count',
	'places.capacity': 'Capacity',
	'places.occupants': 'Occupants',
	'places.occupancy.aria': '{n} occupants, {cap} beds',
	'places.occupantsOnly': '{n} (beds not recorded)',
	'places.dorms': 'Dorm occupancy',
	'places.building': 'Building',
	'places.rooms': 'Rooms',
	'places.beds': 'Beds',
	'places.list': 'All places',
	'places.filter': 'Filter places',
	'places.name': 'Name',
	'places.floor': 'Floor',
	'places.area': 'Area (m²)',
	'places.shown': '{n} places',
	'places.none': 'No places of this kind',

	'place.kind.gate': 'Gate',
	'place.kind.classroom': 'Classroom',
	'place.kind.lab': 'Lab',
	'place.kind.canteen': 'Canteen',
	'place.kind.canteen_zone': 'Canteen zone',
	'place.kind.dorm_building': 'Dorm building',
	'place.kind.dorm_room': 'Dorm room',
	'place.kind.clinic': 'Clinic',
	'place.kind.isolation_room': 'Isolation room',
	'place.kind.observation_room': 'Observation room',
	'place.kind.playground': 'Playground',
	'place.kind.hall': 'Hall',
	'place.kind.office': 'Office',
	'place.kind.other': 'Other',

	'audit.title': 'Audit log',
	'audit.lead': 'Who read or changed which data, when and from where. The log can only grow: nothing in it can be changed or deleted.',
	'audit.filter': 'Filter the audit log',
	'audit.personId': 'Person id',
	'audit.at': 'Time',
	'audit.user': 'User',
	'audit.action': 'Action',
	'audit.entity': 'Object',
	'audit.person': 'Person',
	'audit.detail': 'Detail',
	'audit.ip': 'Address',
	'audit.earlier': 'Earlier entries',
	'audit.none': 'No audit entries',
	'audit.action.read': 'Read',
	'audit.action.create': 'Create',
	'audit.action.update': 'Update',
	'audit.action.login': 'Log in',
	'audit.action.login_failed': 'Failed login',
	'audit.entity.person': 'Person',
	'audit.entity.place': 'Place',
	'audit.entity.session': 'Session',

	'account.title': 'My account',
	'account.username': 'Username',
	'account.role': 'Role',
	'account.scope': 'Scope',

	'users.title': 'Users',
	'users.pending': 'The users API does not exist yet; for now this shows only the account logged in.',
};

const tables = { 'zh-CN': zh, en };
const STORE = 'jy.lang';

function initial() {
	try {
		const v = globalThis.localStorage && localStorage.getItem(STORE);
		return v && tables[v] ? v : 'zh-CN';
	} catch {
		return 'zh-CN'; // storage blocked: Chinese, not remembered
	}
}

let lang = initial();
const listeners = [];

export function getLang() {
	return lang;
}

export function setLang(l) {
	if (!tables[l] || l === lang)
		return;
	lang = l;
	try {
		localStorage.setItem(STORE, l);
	} catch {
		/* not remembered, still switched */
	}
	document.documentElement.lang = l;
	for (const fn of listeners)
		fn(l);
}

export function onLangChange(fn) {
	listeners.push(fn);
}

export function has(key) {
	return key in zh;
}

export function t(key, vars) {
	let s = tables[lang][key] ?? zh[key] ?? key;
	if (vars)
		s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
	return s;
}

export function fmtNumber(n) {
	return new Intl.NumberFormat(lang).format(n);
}

export function fmtPercent(x) {
	return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(x);
}

// Unix seconds → local date and time.
export function fmtDateTime(sec) {
	return new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(sec * 1000));
}
