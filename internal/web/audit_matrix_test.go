package web_test

// What each route records in the audit: the events of a success (or why
// there are none), and whether its refusals are recorded as access.denied
// (see matrixRow). A route's row may state Audit or NoAudit itself;
// everything else is here, one line per route, so that the audit of the
// whole surface reads in one place. TestRouteMatrix checks every line
// against every caller, on both backends.

// auditSpec states what a route records in the audit (see matrixRow).
type auditSpec struct {
	Audit   []string
	AuditBy map[string][]string
	NoAudit string
	routeAudit
}

// none is a success that records nothing (for AuditBy).
var none = []string{}

// noHitFor is a journal search's audit for callers who may read none of
// the fixture's entries: nothing is read, and the hits they may not read
// are left out without a denial (store.Filtering).
func noHitFor(who ...string) map[string][]string {
	m := map[string][]string{}
	for _, w := range who {
		m[w] = none
	}
	return m
}

const (
	// The file is open to them; only the entry's author amends it, a
	// rule of the entry, not a refusal of the file.
	amendByAuthor = "only the author amends an entry of a file they may read"
	// Merging is refused to the role before either file is opened.
	mergeByRole = "refused by role before any file is opened"
	// Only the new referent acknowledges: the others are refused on the
	// file (a denial), except another organisation's caller.
	ackOtherOrg = "another organisation's handover does not exist for the caller: nothing links the attempt to a file of theirs"
)

var routeAudits = map[string]auditSpec{
	"DELETE /api/v1/tokens/{id}":              {Audit: []string{"token.revoke"}},
	"GET /admin":                              {NoAudit: "the organisation's staff and settings, for its admin: no person's file"},
	"GET /admin/settings":                     {NoAudit: "the organisation's staff and settings, for its admin: no person's file"},
	"GET /admin/teams":                        {NoAudit: "the organisation's staff and settings, for its admin: no person's file"},
	"GET /admin/workers/{id}":                 {NoAudit: "the organisation's staff and settings, for its admin: no person's file"},
	"GET /api/documents/{id}/content":         {Audit: []string{"document.download"}, routeAudit: routeAudit{OnFile: true}},
	"GET /api/openapi.json":                   {NoAudit: "public and about the server: no personal data"},
	"GET /api/v1/accompaniment-kinds":         {NoAudit: "the organisation's reference lists: no personal data"},
	"GET /api/v1/documents/expiring":          {Audit: []string{"document.expiring"}},
	"GET /api/v1/households":                  {Audit: []string{"household.list"}},
	"GET /api/v1/households/{id}":             {Audit: []string{"household.read"}, routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/households/{id}/situations":  {Audit: []string{"situation.history.read"}, routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/interview-templates":         {NoAudit: "the organisation's reference lists: no personal data"},
	"GET /api/v1/journal/{id}":                {Audit: []string{"journal.read"}, routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/me":                          {NoAudit: "the caller's own account: no person's file"},
	"GET /api/v1/organization":                {NoAudit: "the organisation's staff and settings, for its admin: no person's file"},
	"GET /api/v1/persons":                     {Audit: []string{"person.list"}},
	"GET /api/v1/persons/{id}":                {routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/persons/{id}/access-log":     {routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/persons/{id}/accompaniments": {Audit: []string{"accompaniment.list"}, routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/persons/{id}/consent":        {routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/persons/{id}/documents":      {Audit: []string{"document.list"}, routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/persons/{id}/handovers":      {Audit: []string{"handover.list"}, routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/persons/{id}/journal":        {Audit: []string{"journal.list"}, routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/persons/{id}/tasks":          {Audit: []string{"task.list"}, routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/persons/{id}/merges":         {routeAudit: routeAudit{OnFile: true}},
	"GET /api/v1/search/journal":              {Audit: []string{"journal.read"}, AuditBy: noHitFor("admin", "bg_expired", "other", "reception", "worker2")},
	"GET /api/v1/tasks/mine":                  {Audit: []string{"task.mine"}},
	"GET /api/v1/teams":                       {NoAudit: "the organisation's staff and settings, for its admin: no person's file"},
	"GET /api/v1/tokens":                      {NoAudit: "the caller's own account: no person's file"},
	"GET /api/v1/workers":                     {NoAudit: "the organisation's staff and settings, for its admin: no person's file"},
	"GET /break-glass/reviews":                {Audit: []string{"break_glass.list"}},
	"GET /documents/expiring":                 {Audit: []string{"document.expiring"}},
	"GET /healthz":                            {NoAudit: "public and about the server: no personal data"},
	"GET /households/new":                     {Audit: []string{"person.list"}},
	"GET /households/{id}": {Audit: []string{"household.read", "situation.history.read", "person.list"}, AuditBy: map[string][]string{"reception": []string{"household.read", "situation.history.read"},
		// Under break-glass the household cannot be changed, so the page
		// lists no persons to add to it.
		"bg_active": []string{"household.read", "situation.history.read"}}, routeAudit: routeAudit{OnFile: true}},
	"GET /import":                                      {NoAudit: "an empty form: nothing read"},
	"GET /login":                                       {NoAudit: "the sign-in form: nothing read yet"},
	"GET /login/totp":                                  {NoAudit: "without a sign-in waiting for its second factor, it sends back to /login"},
	"GET /login/totp/setup":                            {NoAudit: "without a sign-in waiting for its enrolment, it sends back to /login"},
	"GET /metrics":                                     {NoAudit: "public and about the server: no personal data"},
	"GET /notifications":                               {NoAudit: "the caller's own account: no person's file"},
	"GET /persons":                                     {Audit: []string{"person.list"}},
	"GET /persons/new":                                 {NoAudit: "an empty form: nothing read"},
	"GET /persons/{id}":                                {Audit: []string{"casefile.open"}, routeAudit: routeAudit{OnFile: true}},
	"GET /persons/{id}/access-log":                     {routeAudit: routeAudit{OnFile: true}},
	"GET /persons/{id}/break-glass":                    {routeAudit: routeAudit{OnFile: true}},
	"GET /persons/{id}/consent":                        {routeAudit: routeAudit{OnFile: true}},
	"GET /persons/{id}/edit":                           {Audit: []string{"person.read"}, routeAudit: routeAudit{OnFile: true}},
	"GET /profile":                                     {NoAudit: "the caller's own account: no person's file"},
	"GET /profile/totp":                                {NoAudit: "the caller's own account: no person's file"},
	"GET /readyz":                                      {NoAudit: "public and about the server: no personal data"},
	"GET /search":                                      {Audit: []string{"person.search"}},
	"GET /search/journal":                              {Audit: []string{"journal.read"}, AuditBy: noHitFor("admin", "bg_expired", "other", "reception", "worker2")},
	"GET /settings/casefile":                           {NoAudit: "the organisation's reference lists: no personal data"},
	"GET /static/":                                     {NoAudit: "public and about the server: no personal data"},
	"GET /{$}":                                         {Audit: []string{"task.mine", "casefile.recent"}, AuditBy: map[string][]string{"worker": []string{"task.mine", "handover.mine", "casefile.recent"}, "admin": none, "bg_expired": []string{"task.mine"}, "manager": []string{"task.mine", "casefile.recent", "break_glass.list"}, "other": []string{"task.mine"}, "reception": []string{"casefile.recent"}, "worker2": []string{"task.mine"}}},
	"PATCH /api/v1/goals/{id}":                         {Audit: []string{"goal.update"}, routeAudit: routeAudit{OnFile: true}},
	"PATCH /api/v1/households/{id}":                    {Audit: []string{"household.update"}, routeAudit: routeAudit{OnFile: true}},
	"PATCH /api/v1/organization":                       {Audit: []string{"org.settings"}},
	"PATCH /api/v1/persons/{id}":                       {Audit: []string{"person.update"}, routeAudit: routeAudit{OnFile: true}},
	"PATCH /api/v1/tasks/{id}":                         {Audit: []string{"task.update"}, routeAudit: routeAudit{OnFile: true}},
	"PATCH /api/v1/workers/{id}":                       {Audit: []string{"worker.update"}},
	"POST /admin/settings":                             {Audit: []string{"org.settings"}},
	"POST /admin/teams":                                {Audit: []string{"team.create"}},
	"POST /admin/workers":                              {Audit: []string{"worker.create"}},
	"POST /admin/workers/{id}":                         {Audit: []string{"worker.update"}},
	"POST /api/v1/accompaniments/{id}/end":             {Audit: []string{"accompaniment.end"}, routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/accompaniments/{id}/goals":           {Audit: []string{"goal.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/accompaniments/{id}/handover":        {Audit: []string{"accompaniment.handover", "journal.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/handovers/{id}/acknowledge":          {Audit: []string{"handover.acknowledge"}, routeAudit: routeAudit{OnFile: true, NotDenied: map[string]string{"other": ackOtherOrg}}},
	"POST /api/v1/households":                          {Audit: []string{"household.create"}},
	"POST /api/v1/households/{id}/members":             {Audit: []string{"household.member.add"}, routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/households/{id}/situations":          {Audit: []string{"situation.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/interview-templates":                 {Audit: []string{"interview_template.create"}},
	"POST /api/v1/journal/{id}/amendments":             {Audit: []string{"journal.amend"}, routeAudit: routeAudit{OnFile: true, NotDenied: map[string]string{"bg_active": amendByAuthor, "manager": amendByAuthor, "teammate": amendByAuthor}}},
	"POST /api/v1/merges/{id}/undo":                    {Audit: []string{"person.merge.undo", "person.merge.undo"}, routeAudit: routeAudit{OnFile: true, NotDenied: map[string]string{"admin": mergeByRole, "reception": mergeByRole, "other": mergeByRole}}},
	"POST /api/v1/persons":                             {Audit: []string{"person.create"}},
	"POST /api/v1/persons/{id}/accompaniments":         {Audit: []string{"accompaniment.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/persons/{id}/break-glass":            {routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/persons/{id}/consent":                {routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/persons/{id}/documents":              {Audit: []string{"document.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/persons/{id}/journal":                {Audit: []string{"journal.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/persons/{id}/merge":                  {Audit: []string{"person.merge", "person.merge"}, routeAudit: routeAudit{OnFile: true, NotDenied: map[string]string{"admin": mergeByRole, "reception": mergeByRole}}},
	"POST /api/v1/persons/{id}/tasks":                  {Audit: []string{"task.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /api/v1/teams":                               {Audit: []string{"team.create"}},
	"POST /api/v1/tokens":                              {Audit: []string{"token.create"}},
	"POST /api/v1/workers":                             {Audit: []string{"worker.create"}},
	"POST /handovers/{id}/acknowledge":                 {Audit: []string{"handover.acknowledge"}, routeAudit: routeAudit{OnFile: true, NotDenied: map[string]string{"other": ackOtherOrg}}},
	"POST /households":                                 {Audit: []string{"household.create"}},
	"POST /households/{id}":                            {Audit: []string{"household.update"}, routeAudit: routeAudit{OnFile: true}},
	"POST /households/{id}/members":                    {Audit: []string{"household.member.add"}, routeAudit: routeAudit{OnFile: true}},
	"POST /households/{id}/situations":                 {Audit: []string{"situation.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /import":                                     {NoAudit: "the matrix's upload is refused (422); imports are audited in search_api_test.go"},
	"POST /login":                                      {NoAudit: "the matrix's sign-in is refused (422); sign-ins are audited in auth_test.go"},
	"POST /login/totp":                                 {NoAudit: "without a sign-in waiting for its second factor, it sends back to /login"},
	"POST /login/totp/setup":                           {NoAudit: "without a sign-in waiting for its enrolment, it sends back to /login"},
	"POST /logout":                                     {NoAudit: "ends the caller's own session: no person's file"},
	"POST /persons":                                    {Audit: []string{"person.create"}},
	"POST /persons/{id}":                               {Audit: []string{"person.update"}, routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/accompaniments":                {Audit: []string{"accompaniment.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/accompaniments/{acc}/end":      {Audit: []string{"accompaniment.end"}, routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/accompaniments/{acc}/goals":    {Audit: []string{"goal.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/accompaniments/{acc}/handover": {Audit: []string{"accompaniment.handover", "journal.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/break-glass":                   {routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/consent":                       {routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/documents":                     {NoAudit: "the matrix sends no file: the file page is shown again with the message (422, OnError)", routeAudit: routeAudit{OnFile: true, OnError: []string{"casefile.open"}}},
	"POST /persons/{id}/goals/{goal}":                  {Audit: []string{"goal.update"}, routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/journal":                       {Audit: []string{"journal.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/journal/{entry}/amendments":    {Audit: []string{"journal.amend"}, routeAudit: routeAudit{OnFile: true, NotDenied: map[string]string{"bg_active": amendByAuthor, "manager": amendByAuthor, "teammate": amendByAuthor}}},
	"POST /persons/{id}/tasks":                         {Audit: []string{"task.create"}, routeAudit: routeAudit{OnFile: true}},
	"POST /persons/{id}/tasks/{task}/status":           {Audit: []string{"task.update"}, routeAudit: routeAudit{OnFile: true}},
	"POST /profile/language":                           {Audit: []string{"worker.language"}},
	"POST /profile/password":                           {NoAudit: "the matrix's password change is refused (422); changes are audited in auth_test.go"},
	"POST /profile/tokens":                             {Audit: []string{"token.create"}},
	"POST /profile/tokens/{id}/revoke":                 {Audit: []string{"token.revoke"}},
	"POST /profile/totp":                               {NoAudit: "the matrix's code is refused (422); enrolments are audited in auth_test.go"},
	"POST /settings/casefile/kinds":                    {Audit: []string{"accompaniment_kind.put"}},
	"POST /settings/casefile/templates":                {Audit: []string{"interview_template.create"}},
	"PUT /api/v1/accompaniment-kinds/{code}":           {Audit: []string{"accompaniment_kind.put"}},
}
