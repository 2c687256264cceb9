// Package messagingweb serves secure messaging between professionals
// about a file (issue 11) over HTTP: a file's threads, a thread with its
// messages and read receipts, new threads and replies — pages that work
// without JavaScript and their JSON API side by side — and the header's
// notification count, refreshed by htmx polling. Handlers parse, call
// one service method and render; the door decides who sees what.
package messagingweb

import (
	"net/http"

	"parcours/internal/messaging"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Register adds the routes of this area to the shell (see web/routes).
func Register(shell *web.Server) {
	s := &server{Server: shell, svc: shell.Services()}
	s.api()
	s.pages()
}

type server struct {
	*web.Server
	svc web.Services
}

func (s *server) api() {
	str, strFmt, arr := web.Str, web.StrFmt, web.ArrayOf
	participant := web.Object([]string{"kind", "id", "added_at"}, web.Schema{
		"kind": web.Enum(parcours.ParticipantWorker, parcours.ParticipantPerson), "id": str(), "name": str(),
		"structure": web.Schema{"type": "string", "description": "the worker's structure, in a thread under a referral"},
		"added_at":  strFmt("date-time"), "last_read_at": web.Schema{"type": "string", "format": "date-time", "description": "read receipt: the last message read; absent before the first"},
	})
	s.Schema("Thread", web.Object([]string{"id", "person_id", "subject", "created_by", "created_at", "last_message_at", "unread", "participants"}, web.Schema{
		"id": str(), "organization_id": str(), "person_id": str(), "subject": str(), "created_by": str(),
		"created_at": strFmt("date-time"), "last_message_at": strFmt("date-time"), "unread": web.Integer(), "participants": arr(participant),
		"referral_id": web.Schema{"type": "string", "description": "the referral the thread is under (professionals of both structures); absent for the file's own threads"},
		"closed":      web.Schema{"type": "boolean", "description": "the referral no longer shares the file: the thread is read-only"},
	}))
	msg := web.Object([]string{"id", "thread_id", "author_kind", "author_id", "body", "created_at"}, web.Schema{
		"id": str(), "thread_id": str(), "author_kind": web.Enum(parcours.ParticipantWorker, parcours.ParticipantPerson), "author_id": str(),
		"author_name": str(), "body": str(), "document_id": str(), "created_at": strFmt("date-time"),
	})
	s.Schema("ThreadMessage", msg)
	s.Schema("ThreadWithMessages", web.Object([]string{"thread", "messages"}, web.Schema{
		"thread": web.Ref("Thread"), "messages": arr(web.Ref("ThreadMessage")),
	}))
	s.Schema("ThreadInput", web.Object([]string{"subject", "body"}, web.Schema{
		"subject":         web.Schema{"type": "string", "maxLength": parcours.ThreadSubjectMax},
		"participant_ids": web.Schema{"type": "array", "items": str(), "description": "workers of the organisation who may read the file; required unless with_person"},
		"with_person":     web.Schema{"type": "boolean", "description": "the person takes part: they read and answer in their portal (/moi/messages)"},
		"body":            web.Schema{"type": "string", "maxLength": parcours.MessageBodyMax}, "document_id": str(),
	}))
	s.Schema("ThreadMessageInput", web.Object([]string{"body"}, web.Schema{
		"body": web.Schema{"type": "string", "maxLength": parcours.MessageBodyMax}, "document_id": str(),
	}))
	s.Schema("ThreadParticipantsInput", web.Object(nil, web.Schema{
		"participant_ids": web.Schema{"type": "array", "items": str(), "description": "workers of the organisation who may read the file"},
		"with_person":     web.Schema{"type": "boolean", "description": "add the person (they read and answer in their portal)"},
	}))
	s.Handle("POST", "/api/v1/threads/{id}/participants", web.API, s.apiAdd, &web.Op{ID: "addThreadParticipants", Tag: "messaging",
		Summary: "Add workers who may read the file, or the person, to a thread one takes part in; they read the messages written from then on (not the earlier ones) and added workers are notified",
		Request: "ThreadParticipantsInput", Response: "Thread"})
	s.Handle("GET", "/api/v1/persons/{id}/threads", web.API, s.apiList, &web.Op{ID: "listThreads", Tag: "messaging", List: true,
		Summary: "The threads of the person's file one takes part in, latest message first, with their unread counts", Response: "Thread"})
	s.Handle("POST", "/api/v1/persons/{id}/threads", web.API, s.apiCreate, &web.Op{ID: "createThread", Tag: "messaging",
		Summary: "Open a thread on the file with workers who may read it, and its first message; they are notified",
		Request: "ThreadInput", Response: "Thread", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/referrals/{id}/threads", web.API, s.apiReferralList, &web.Op{ID: "listReferralThreads", Tag: "messaging", List: true,
		Summary: "The threads under a referral one takes part in (sending or receiving structure, while one may read the file through it); closed once the referral no longer shares the file", Response: "Thread"})
	s.Handle("POST", "/api/v1/referrals/{id}/threads", web.API, s.apiReferralCreate, &web.Op{ID: "createReferralThread", Tag: "messaging",
		Summary: "Open a thread under a referral between professionals of the sending and the receiving structure who may read the file through it (no document, not the person), while it shares the file (409 after); they are notified",
		Request: "ThreadInput", Response: "Thread", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/threads/{id}", web.API, s.apiGet, &web.Op{ID: "getThread", Tag: "messaging",
		Summary:  "A thread one takes part in, with its messages; records one's read receipt (404 once the file may no longer be read)",
		Response: "ThreadWithMessages"})
	s.Handle("POST", "/api/v1/threads/{id}/messages", web.API, s.apiPost, &web.Op{ID: "postThreadMessage", Tag: "messaging",
		Summary: "Write in a thread; the other participants who may read the file are notified", Request: "ThreadMessageInput",
		Response: "ThreadMessage", Status: http.StatusCreated})
}

func (s *server) apiList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Messaging.List(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.Thread]{Items: v.Threads})
	return nil
}

func (s *server) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var in messaging.CreateInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.Messaging.Create(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (s *server) apiReferralList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Messaging.ReferralThreads(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.Thread]{Items: v.Threads})
	return nil
}

func (s *server) apiReferralCreate(w http.ResponseWriter, r *http.Request) error {
	var in messaging.CreateInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.Messaging.CreateForReferral(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, t)
	return nil
}

type threadJSON struct {
	Thread   *parcours.Thread          `json:"thread"`
	Messages []*parcours.ThreadMessage `json:"messages"`
}

func (s *server) apiGet(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Messaging.Get(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, threadJSON{Thread: v.Thread, Messages: v.Messages})
	return nil
}

func (s *server) apiAdd(w http.ResponseWriter, r *http.Request) error {
	var in messaging.AddInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.Messaging.AddParticipants(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (s *server) apiPost(w http.ResponseWriter, r *http.Request) error {
	var in messaging.MessageInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.Messaging.Post(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, m)
	return nil
}

// The pages.

func (s *server) pages() {
	s.Handle("GET", "/persons/{id}/threads", web.Page, s.pageList, nil)
	s.Handle("POST", "/persons/{id}/threads", web.Page, s.pageCreate, nil)
	s.Handle("GET", "/threads/{id}", web.Page, s.pageThread, nil)
	s.Handle("POST", "/threads/{id}/messages", web.Page, s.pagePost, nil)
	s.Handle("GET", "/threads/{id}/documents/{doc}", web.Page, s.pageAttachment, nil)
	s.Handle("POST", "/threads/{id}/participants", web.Page, s.pageAdd, nil)
}

func (s *server) showList(w http.ResponseWriter, r *http.Request, status int, p *web.PageData, checked map[string]bool) error {
	v, err := s.svc.Messaging.List(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if checked == nil {
		checked = map[string]bool{}
	}
	p.Title, p.Data = "page.threads.title", &listPage{ListView: v, Checked: checked}
	return s.Render(w, r, status, "threads.html", p)
}

type listPage struct {
	*messaging.ListView
	Checked map[string]bool
}

func (s *server) pageList(w http.ResponseWriter, r *http.Request) error {
	return s.showList(w, r, http.StatusOK, &web.PageData{Form: map[string]string{}}, nil)
}

func (s *server) pageCreate(w http.ResponseWriter, r *http.Request) error {
	name, content, err := s.UploadForm(w, r, "file")
	if err != nil {
		return err
	}
	f := r.PostForm
	in := messaging.CreateInput{Subject: f.Get("subject"), ParticipantIDs: f["participant_ids"], WithPerson: f.Get("with_person") == "1",
		Body: f.Get("body"), DocumentID: f.Get("document_id")}
	if content != nil {
		defer content.Close()
		in.File = &messaging.Attachment{Name: name, Content: content}
	}
	t, err := s.svc.Messaging.Create(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/threads/"+t.ID, http.StatusSeeOther)
		return nil
	}
	p := &web.PageData{Form: map[string]string{"subject": in.Subject, "body": in.Body, "document_id": in.DocumentID, "with_person": f.Get("with_person")}}
	if _, ok := web.FormErrors(web.Lang(r), err, p); !ok {
		return err
	}
	checked := map[string]bool{}
	for _, id := range in.ParticipantIDs {
		checked[id] = true
	}
	return s.showList(w, r, web.StatusOf(parcours.ErrorCode(err)), p, checked)
}

func (s *server) showThread(w http.ResponseWriter, r *http.Request, status int, p *web.PageData) error {
	v, err := s.svc.Messaging.Get(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Title, p.Data = "page.thread.title", v
	return s.Render(w, r, status, "thread.html", p)
}

func (s *server) pageThread(w http.ResponseWriter, r *http.Request) error {
	p := &web.PageData{Form: map[string]string{}}
	if r.URL.Query().Get("sent") == "1" {
		p.Flash = "messaging.sent"
	}
	if r.URL.Query().Get("added") == "1" {
		p.Flash = "messaging.added"
	}
	return s.showThread(w, r, http.StatusOK, p)
}

func (s *server) pagePost(w http.ResponseWriter, r *http.Request) error {
	name, content, err := s.UploadForm(w, r, "file")
	if err != nil {
		return err
	}
	in := messaging.MessageInput{Body: r.PostForm.Get("body"), DocumentID: r.PostForm.Get("document_id")}
	if content != nil {
		defer content.Close()
		in.File = &messaging.Attachment{Name: name, Content: content}
	}
	m, err := s.svc.Messaging.Post(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/threads/"+r.PathValue("id")+"?sent=1#m-"+m.ID, http.StatusSeeOther)
		return nil
	}
	p := &web.PageData{Form: map[string]string{"body": in.Body, "document_id": in.DocumentID}}
	if _, ok := web.FormErrors(web.Lang(r), err, p); !ok {
		return err
	}
	return s.showThread(w, r, web.StatusOf(parcours.ErrorCode(err)), p)
}

// pageAttachment downloads a file sent in a thread, for its
// participants (audited document.download).
func (s *server) pageAttachment(w http.ResponseWriter, r *http.Request) error {
	d, content, err := s.svc.Messaging.OpenAttachment(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		return err
	}
	defer content.Close()
	web.ServeDocument(w, d, content)
	return nil
}

func (s *server) pageAdd(w http.ResponseWriter, r *http.Request) error {
	if err := web.ParseForm(r); err != nil {
		return err
	}
	in := messaging.AddInput{ParticipantIDs: r.PostForm["participant_ids"], WithPerson: r.PostForm.Get("with_person") == "1"}
	_, err := s.svc.Messaging.AddParticipants(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/threads/"+r.PathValue("id")+"?added=1", http.StatusSeeOther)
		return nil
	}
	e := parcours.AsError(err)
	if e == nil || e.Code != parcours.EInvalid {
		return err
	}
	// The add form's own field names, apart from the reply's.
	p := &web.PageData{Form: map[string]string{}}
	p.AddErrors(web.Lang(r), e, "add-", "participant_ids")
	return s.showThread(w, r, web.StatusOf(parcours.ErrorCode(err)), p)
}
