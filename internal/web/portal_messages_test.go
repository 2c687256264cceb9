package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/messaging"
	"parcours/internal/parcours"
	"parcours/internal/portal"
	"parcours/internal/store"
)

// The person's conversations with their referent (issue 14 item 2) and
// files sent inside messages (issue 11), through the real handlers and
// database on both backends.

// multipartBody is a form with text fields and, when content is not nil,
// a file in field "file".
func multipartBody(t *testing.T, fields map[string]string, filename string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var files []formFile
	if content != nil {
		files = append(files, formFile{"file", filename, content})
	}
	return multipartFiles(t, fields, files...)
}

// formFile is a file of a multipart form: its field, name and content.
type formFile struct {
	field, name string
	content     []byte
}

// multipartFiles is a form with text fields and files.
func multipartFiles(t *testing.T, fields map[string]string, files ...formFile) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(f.content)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &buf
}

// workerUpload posts a multipart form as a signed-in worker.
func workerUpload(t *testing.T, e *apptest.Env, who, path string, fields map[string]string, filename string, content []byte) *apptest.Response {
	t.Helper()
	var files []formFile
	if content != nil {
		files = append(files, formFile{"file", filename, content})
	}
	return workerPostFiles(t, e, who, path, fields, files...)
}

// workerPostFiles posts a multipart form with files as a signed-in worker.
func workerPostFiles(t *testing.T, e *apptest.Env, who, path string, fields map[string]string, files ...formFile) *apptest.Response {
	t.Helper()
	sess, err := e.App.Auth.NewSession(t.Context(), e.Workers[who].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	fields["csrf"] = sess.CSRF
	ct, body := multipartFiles(t, fields, files...)
	// As the forms do: the token in the action URL too, so that an
	// oversized body is told as such (413), not as a missing token.
	req := httptest.NewRequest("POST", path+"?csrf="+sess.CSRF, body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: sess.Secret})
	return e.Serve(req)
}

// portalUpload posts a multipart form with a portal session.
func portalUpload(t *testing.T, e *apptest.Env, accountID, path string, fields map[string]string, filename string, content []byte) *apptest.Response {
	t.Helper()
	secret, csrf := portalSessionFor(t, e, accountID)
	fields["csrf"] = csrf
	ct, body := multipartBody(t, fields, filename, content)
	req := httptest.NewRequest("POST", path+"?csrf="+csrf, body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: portal.SessionCookie, Value: secret})
	return e.Serve(req)
}

var threadLocation = regexp.MustCompile(`^/(?:moi/messages|threads)/([^/?#]+)`)

func threadID(t *testing.T, r *apptest.Response) string {
	t.Helper()
	m := threadLocation.FindStringSubmatch(r.Header.Get("Location"))
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("want a redirect to the thread: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	return m[1]
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")

func TestPortalMessages_PersonWritesReferentAnswersWithFiles(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		freshAcc(f) // "worker" is the person's referent
		p := pfx(f)
		person, delegate := p.Person.ID, p.Delegate.ID
		ctx := t.Context()
		unread := func(who string) int {
			var n int
			if err := e.App.DB.View(ctx, func(tx *store.Tx) (err error) {
				n, err = tx.UnreadNotifications(ctx, e.Workers[who].ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		countDocs := func() int {
			var list parcours.Page[*parcours.Document]
			e.Do("GET", "/api/v1/persons/"+f.Person.ID+"/documents", "worker", nil).Decode(t, &list)
			return len(list.Items)
		}

		// The page names whom the person writes to, in plain French.
		r := portalDo(t, e, person, "GET", "/moi/messages", nil)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Votre message sera lu par") ||
			!strings.Contains(string(r.Body), e.Workers["worker"].LastName) || !strings.Contains(string(r.Body), `enctype="multipart/form-data"`) {
			t.Fatalf("messages page: %d %s", r.Status, r.Body)
		}

		// Bad input: 4xx naming the field, in French; nothing stored.
		docs0, wrk0 := countDocs(), unread("worker")
		for _, tc := range []struct {
			fields  map[string]string
			file    []byte
			status  int
			field   string
			message string
		}{
			{map[string]string{"subject": "CAF", "body": "  "}, nil, 422, "body", "Message"},
			{map[string]string{"subject": "", "body": "Bonjour"}, nil, 422, "subject", "Objet"},
			{map[string]string{"subject": "CAF", "body": "Bonjour"}, []byte("juste du texte, pas un PDF"), 415, "file", "PDF"},
		} {
			r := portalUpload(t, e, person, "/moi/messages", tc.fields, "note.txt", tc.file)
			if r.Status != tc.status || !strings.Contains(string(r.Body), `id="e-`+tc.field+`"`) || !strings.Contains(string(r.Body), tc.message) {
				t.Errorf("bad %s: %d %s", tc.field, r.Status, r.Body)
			}
		}
		var mine parcours.Page[*parcours.Thread]
		portalDo(t, e, person, "GET", "/api/v1/moi/threads", nil).Decode(t, &mine)
		if len(mine.Items) != 0 || countDocs() != docs0 || unread("worker") != wrk0 {
			t.Fatalf("a refused message left something: %d threads, %d documents (was %d), %d notifications (was %d)",
				len(mine.Items), countDocs(), docs0, unread("worker"), wrk0)
		}

		// The person writes with a file: it goes to the document store,
		// the referent is notified.
		id := threadID(t, portalUpload(t, e, person, "/moi/messages",
			map[string]string{"subject": "Mon attestation CAF", "body": "Bonjour, voici mon attestation."}, "attestation.png", pngBytes))
		if countDocs() != docs0+1 {
			t.Errorf("the file sent is not among the file's documents")
		}
		if unread("worker") != wrk0+1 {
			t.Errorf("referent notifications: +%d, want +1", unread("worker")-wrk0)
		}
		page := portalDo(t, e, person, "GET", "/moi/messages/"+id, nil)
		if page.Status != http.StatusOK || !strings.Contains(string(page.Body), "voici mon attestation") || !strings.Contains(string(page.Body), "attestation.png") {
			t.Fatalf("the person's thread: %d %s", page.Status, page.Body)
		}

		// The referent sees it on the file, unread; reading it reads the
		// notification (issue 11 point 5).
		var list parcours.Page[*parcours.Thread]
		e.Do("GET", "/api/v1/persons/"+f.Person.ID+"/threads", "worker", nil).Decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != id || list.Items[0].Unread != 1 || !list.Items[0].WithPerson() {
			t.Fatalf("referent's list: %+v", list.Items)
		}
		wp := e.Page("GET", "/threads/"+id, "worker", nil)
		if wp.Status != http.StatusOK || !strings.Contains(string(wp.Body), "depuis l&#39;espace personnel") || !strings.Contains(string(wp.Body), "MARTIN Léa") {
			t.Fatalf("worker's thread page: %d %s", wp.Status, wp.Body)
		}
		if unread("worker") != wrk0 {
			t.Errorf("reading the thread left %d of its notifications unread", unread("worker")-wrk0)
		}
		var th threadResp
		e.Do("GET", "/api/v1/threads/"+id, "worker", nil).Decode(t, &th)
		docID := th.Messages[0].DocumentID
		if dl := e.Page("GET", "/threads/"+id+"/documents/"+docID, "worker", nil); dl.Status != http.StatusOK || !bytes.Equal(dl.Body, pngBytes) {
			t.Errorf("the referent's download: %d", dl.Status)
		}

		// The referent answers with a PDF (a professional's upload, the
		// same mechanism); the person has one unread message and
		// downloads the file.
		if r := workerUpload(t, e, "worker", "/threads/"+id+"/messages", map[string]string{"body": "Merci, voici le courrier de la CAF."}, "courrier.pdf", pdfBytes); r.Status != http.StatusSeeOther {
			t.Fatalf("the referent's answer: %d %s", r.Status, r.Body)
		}
		portalDo(t, e, person, "GET", "/api/v1/moi/threads", nil).Decode(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0].Unread != 1 {
			t.Fatalf("the person's list after the answer: %+v", mine.Items)
		}
		var pt threadResp
		portalDo(t, e, person, "GET", "/api/v1/moi/threads/"+id, nil).Decode(t, &pt)
		if len(pt.Messages) != 2 || pt.Messages[1].DocumentID == "" || pt.Messages[1].AuthorName == "" {
			t.Fatalf("the person's thread: %+v", pt.Messages)
		}
		if dl := portalDo(t, e, person, "GET", "/moi/messages/"+id+"/pieces/"+pt.Messages[1].DocumentID, nil); dl.Status != http.StatusOK || !bytes.Equal(dl.Body, pdfBytes) {
			t.Errorf("the person's download: %d", dl.Status)
		}
		portalDo(t, e, person, "GET", "/api/v1/moi/threads", nil).Decode(t, &mine)
		if mine.Items[0].Unread != 0 {
			t.Errorf("read in the portal, still %d unread", mine.Items[0].Unread)
		}
		// The file's other documents are not the person's to pick or
		// download through a thread.
		other := cf(f).Doc.ID
		if r := portalDo(t, e, person, "POST", "/api/v1/moi/threads/"+id+"/messages", map[string]any{"body": "x", "document_id": other}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("the person attaching a document of the file: %d", r.Status)
		}
		if r := portalDo(t, e, person, "GET", "/moi/messages/"+id+"/pieces/"+other, nil); r.Status != http.StatusNotFound {
			t.Errorf("a document not sent in the thread: %d", r.Status)
		}

		// The "view" delegate reads and does not write.
		if r := portalDo(t, e, delegate, "GET", "/moi/messages/"+id, nil); r.Status != http.StatusOK || strings.Contains(string(r.Body), `action="/moi/messages/`+id+`"`) {
			t.Errorf("delegate's page: %d (a reply form shows: %v)", r.Status, strings.Contains(string(r.Body), "f-body"))
		}
		if r := portalUpload(t, e, delegate, "/moi/messages/"+id, map[string]string{"body": "Je suis son frère."}, "", nil); r.Status != http.StatusForbidden {
			t.Errorf("delegate's answer: %d", r.Status)
		}

		// A conversation between professionals on the same file is not
		// the person's; a teammate who does not take part finds nothing.
		pro, err := e.App.Messaging.Create(ctx, e.Actor("worker"), f.Person.ID, messaging.CreateInput{
			Subject: "Entre nous", ParticipantIDs: []string{e.Workers["manager"].ID}, Body: "Point d'équipe."})
		if err != nil {
			t.Fatal(err)
		}
		if r := portalDo(t, e, person, "GET", "/moi/messages/"+pro.ID, nil); r.Status != http.StatusNotFound {
			t.Errorf("a professionals' thread in the portal: %d", r.Status)
		}
		portalDo(t, e, person, "GET", "/api/v1/moi/threads", nil).Decode(t, &mine)
		if len(mine.Items) != 1 {
			t.Errorf("the person lists %d threads, want 1", len(mine.Items))
		}
		if r := e.Do("GET", "/api/v1/threads/"+id, "teammate", nil); r.Status != http.StatusNotFound {
			t.Errorf("a teammate outside the thread: %d", r.Status)
		}

		// A worker opens a conversation with the person from the file.
		r = workerUpload(t, e, "worker", "/persons/"+f.Person.ID+"/threads",
			map[string]string{"subject": "Votre rendez-vous", "body": "Pouvez-vous venir jeudi ?", "with_person": "1"}, "", nil)
		started := threadID(t, r)
		portalDo(t, e, person, "GET", "/api/v1/moi/threads", nil).Decode(t, &mine)
		if len(mine.Items) != 2 || mine.Items[0].ID != started || mine.Items[0].Unread != 1 {
			t.Errorf("the thread a worker opened with the person: %+v", mine.Items)
		}
	})
}

// A professional's upload: the type and size limits of documents apply
// and nothing is stored on a refusal.
func TestMessaging_UploadInsideAMessage(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		th := fixtureThread(f)
		var before threadResp
		e.Do("GET", "/api/v1/threads/"+th.ID, "worker", nil).Decode(t, &before)
		r := workerUpload(t, e, "worker", "/threads/"+th.ID+"/messages", map[string]string{"body": "Voici le script."}, "x.sh", []byte("#!/bin/sh\necho hi\n"))
		if r.Status != http.StatusUnsupportedMediaType || !strings.Contains(string(r.Body), `id="e-file"`) {
			t.Errorf("a shell script: %d %s", r.Status, r.Body)
		}
		big := append(append([]byte{}, pdfBytes...), make([]byte, 11<<20)...)
		if r := workerUpload(t, e, "worker", "/threads/"+th.ID+"/messages", map[string]string{"body": "Trop gros."}, "big.pdf", big); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("an 11 MB file: %d", r.Status)
		}
		// Someone outside the thread uploads nothing.
		if r := workerUpload(t, e, "teammate", "/threads/"+th.ID+"/messages", map[string]string{"body": "x"}, "a.pdf", pdfBytes); r.Status != http.StatusNotFound {
			t.Errorf("a teammate's upload: %d", r.Status)
		}
		var after threadResp
		e.Do("GET", "/api/v1/threads/"+th.ID, "worker", nil).Decode(t, &after)
		if len(after.Messages) != len(before.Messages) {
			t.Fatalf("a refused upload stored a message")
		}
		if r := workerUpload(t, e, "manager", "/threads/"+th.ID+"/messages", map[string]string{"body": "Le devis."}, "devis.pdf", pdfBytes); r.Status != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		e.Do("GET", "/api/v1/threads/"+th.ID, "worker", nil).Decode(t, &after)
		last := after.Messages[len(after.Messages)-1]
		if last.DocumentID == "" {
			t.Fatalf("the message carries no document")
		}
		page := e.Page("GET", "/threads/"+th.ID, "worker", nil)
		if !strings.Contains(string(page.Body), `href="/threads/`+th.ID+`/documents/`+last.DocumentID+`"`) {
			t.Errorf("the thread page does not link the file")
		}
		if dl := e.Page("GET", "/threads/"+th.ID+"/documents/"+last.DocumentID, "worker", nil); dl.Status != http.StatusOK || !bytes.Equal(dl.Body, pdfBytes) {
			t.Errorf("download: %d", dl.Status)
		}
		if dl := e.Page("GET", "/threads/"+th.ID+"/documents/"+last.DocumentID, "teammate", nil); dl.Status != http.StatusNotFound {
			t.Errorf("download by a teammate outside the thread: %d", dl.Status)
		}
	})
}

// Adding participants to a running thread: only workers who may read the
// file, or the person; the newcomer reads from their arrival on, not the
// earlier messages or files (a DPO's reading of data minimisation), and
// is told how many there were.
func TestMessaging_AddedParticipantReadsFromTheirArrival(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		th := fixtureThread(f)
		base := "/api/v1/threads/" + th.ID
		if r := workerUpload(t, e, "worker", "/threads/"+th.ID+"/messages", map[string]string{"body": "Le RIB, avant ton arrivée."}, "rib.pdf", pdfBytes); r.Status != http.StatusSeeOther {
			t.Fatalf("post with a file: %d", r.Status)
		}
		var before threadResp
		e.Do("GET", base, "worker", nil).Decode(t, &before)
		earlierDoc := before.Messages[len(before.Messages)-1].DocumentID

		// Bad input and callers outside the thread change nothing.
		for _, tc := range []struct {
			who    string
			body   map[string]any
			status int
		}{
			{"worker", map[string]any{}, 422},
			{"worker", map[string]any{"participant_ids": []string{e.Workers["worker2"].ID}}, 422}, // may not read the file
			{"worker", map[string]any{"participant_ids": []string{"01900000-0000-7000-8000-000000000000"}}, 422},
			{"teammate", map[string]any{"participant_ids": []string{e.Workers["teammate"].ID}}, 404}, // not in the thread
			{"worker2", map[string]any{"participant_ids": []string{e.Workers["worker2"].ID}}, 404},
		} {
			r := e.Do("POST", base+"/participants", tc.who, tc.body)
			if r.Status != tc.status || (tc.status == 422 && !strings.Contains(string(r.Body), `"participant_ids"`)) {
				t.Errorf("%s adding %v: %d %s", tc.who, tc.body, r.Status, r.Body)
			}
		}
		var same threadResp
		e.Do("GET", base, "worker", nil).Decode(t, &same)
		if len(same.Thread.Participants) != len(before.Thread.Participants) {
			t.Fatalf("a refused addition changed the participants: %+v", same.Thread.Participants)
		}

		unread := func(who string) int {
			var n int
			if err := e.App.DB.View(t.Context(), func(tx *store.Tx) (err error) {
				n, err = tx.UnreadNotifications(t.Context(), e.Workers[who].ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		n0 := unread("teammate")
		if r := e.Page("POST", "/threads/"+th.ID+"/participants", "worker", map[string][]string{"participant_ids": {e.Workers["teammate"].ID}}); r.Status != http.StatusSeeOther {
			t.Fatalf("add the teammate: %d %s", r.Status, r.Body)
		}
		if unread("teammate") != n0+1 {
			t.Errorf("the teammate added is not notified")
		}
		var got threadResp
		e.Do("GET", base, "teammate", nil).Decode(t, &got)
		if len(got.Messages) != 0 {
			t.Errorf("the newcomer reads %d earlier messages", len(got.Messages))
		}
		page := e.Page("GET", "/threads/"+th.ID, "teammate", nil)
		if page.Status != http.StatusOK || !strings.Contains(string(page.Body), strconv.Itoa(len(before.Messages))+" message(s) écrit(s) avant votre arrivée") {
			t.Errorf("the newcomer's page does not say what came before: %d", page.Status)
		}
		if r := e.Page("GET", "/threads/"+th.ID+"/documents/"+earlierDoc, "teammate", nil); r.Status != http.StatusNotFound {
			t.Errorf("the newcomer downloads a file sent before their arrival: %d", r.Status)
		}
		if r := e.Do("POST", base+"/messages", "manager", map[string]any{"body": "Bienvenue dans l'échange."}); r.Status != http.StatusCreated {
			t.Fatalf("post: %d", r.Status)
		}
		var list parcours.Page[*parcours.Thread]
		e.Do("GET", "/api/v1/persons/"+f.Person.ID+"/threads", "teammate", nil).Decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].Unread != 1 {
			t.Errorf("the newcomer's unread count: %+v", list.Items)
		}
		e.Do("GET", base, "teammate", nil).Decode(t, &got)
		if len(got.Messages) != 1 || got.Messages[0].Body != "Bienvenue dans l'échange." {
			t.Errorf("the newcomer's messages: %+v", got.Messages)
		}
		// Adding again changes nothing.
		if r := e.Do("POST", base+"/participants", "manager", map[string]any{"participant_ids": []string{e.Workers["teammate"].ID}}); r.Status != http.StatusOK {
			t.Errorf("adding again: %d", r.Status)
		}

		// The person added: from now on, in their portal.
		if r := e.Do("POST", base+"/participants", "worker", map[string]any{"with_person": true}); r.Status != http.StatusOK {
			t.Fatalf("add the person: %d %s", r.Status, r.Body)
		}
		var pt threadResp
		if r := portalDo(t, e, pfx(f).Person.ID, "GET", "/api/v1/moi/threads/"+th.ID, nil); r.Status != http.StatusOK {
			t.Fatalf("the person reads the thread: %d", r.Status)
		} else {
			r.Decode(t, &pt)
		}
		if len(pt.Messages) != 0 {
			t.Errorf("the person added reads %d earlier messages", len(pt.Messages))
		}
	})
}
