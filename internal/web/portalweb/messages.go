package portalweb

import (
	"net/http"
	"net/url"

	"parcours/internal/messaging"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The person's conversations with their referents (issue 14 item 2):
// the same secure messaging the professionals use (package messaging,
// through the door), with the person as a participant. The person (and
// a delegate) reads the threads they take part in; the person and a
// "full" delegate write, and may send a file, which goes to the document
// store as any document of the file. Pages work without JavaScript.

func (a *area) messageRoutes(s *web.Server) {
	if s.Services().Messaging == nil {
		return
	}
	s.Handle("GET", "/moi/messages", web.Portal, a.pageThreads, nil)
	s.Handle("POST", "/moi/messages", web.Portal, a.postThread, nil)
	s.Handle("GET", "/moi/messages/{id}", web.Portal, a.pageThread, nil)
	s.Handle("POST", "/moi/messages/{id}", web.Portal, a.postMessage, nil)
	s.Handle("GET", "/moi/messages/{id}/pieces/{doc}", web.Portal, a.pageAttachment, nil)

	s.Schema("PortalThreadInput", web.Object([]string{"subject", "body"}, web.Schema{
		"subject": web.Schema{"type": "string", "maxLength": parcours.ThreadSubjectMax},
		"body":    web.Schema{"type": "string", "maxLength": parcours.MessageBodyMax},
	}))
	s.Handle("GET", "/api/v1/moi/threads", web.Portal, a.apiThreads,
		&web.Op{ID: "portalListThreads", Tag: "portal", List: true, Response: "Thread",
			Summary: "The signed-in person's conversations with their referents, latest message first, with unread counts (portal session)"})
	s.Handle("POST", "/api/v1/moi/threads", web.Portal, a.apiCreateThread,
		&web.Op{ID: "portalCreateThread", Tag: "portal", Request: "PortalThreadInput", Response: "Thread", Status: http.StatusCreated,
			Summary: "Write to one's referents: a new conversation with the referents of one's open accompaniments, who are notified (portal session; not a view-only delegate)"})
	s.Handle("GET", "/api/v1/moi/threads/{id}", web.Portal, a.apiThread,
		&web.Op{ID: "portalGetThread", Tag: "portal", Response: "ThreadWithMessages",
			Summary: "One of the person's conversations with its messages; records the read receipt (portal session)"})
	s.Handle("POST", "/api/v1/moi/threads/{id}/messages", web.Portal, a.apiPostMessage,
		&web.Op{ID: "portalPostMessage", Tag: "portal", Request: "ThreadMessageInput", Response: "ThreadMessage", Status: http.StatusCreated,
			Summary: "Answer in one of the person's conversations; the referents taking part are notified (portal session; not a view-only delegate)"})
}

// threadsPage is what portal_threads.html receives.
type threadsPage struct {
	*messaging.ListView
	Notice *parcours.ReplyNotice
}

func (a *area) showThreads(w http.ResponseWriter, r *http.Request, status int, pd *web.PageData) error {
	v, err := a.Services().Messaging.List(r.Context(), web.MustActor(r), "")
	if err != nil {
		return err
	}
	// The account's choice about e-mail notices of replies, with a link
	// to change it (notice.go).
	n, err := a.svc.ReplyNotice(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	pd.Title, pd.Data = "page.portal.messages", &threadsPage{ListView: v, Notice: n}
	if r.URL.Query().Get("sent") != "" && pd.Flash == "" {
		pd.Flash = "messaging.sent"
	}
	return a.Render(w, r, status, "portal_threads.html", pd)
}

func (a *area) pageThreads(w http.ResponseWriter, r *http.Request) error {
	return a.showThreads(w, r, http.StatusOK, &web.PageData{Form: map[string]string{}})
}

// attachment reads a posted form and its file, if one was chosen.
func (a *area) attachment(w http.ResponseWriter, r *http.Request) (*messaging.Attachment, func(), error) {
	name, content, err := a.UploadForm(w, r, "file")
	if err != nil || content == nil {
		return nil, func() {}, err
	}
	return &messaging.Attachment{Name: name, Content: content}, func() { content.Close() }, nil
}

func (a *area) postThread(w http.ResponseWriter, r *http.Request) error {
	file, done, err := a.attachment(w, r)
	if err != nil {
		return err
	}
	defer done()
	in := messaging.CreateInput{Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body"), File: file}
	t, err := a.Services().Messaging.Create(r.Context(), web.MustActor(r), "", in)
	if err == nil {
		http.Redirect(w, r, "/moi/messages/"+url.PathEscape(t.ID)+"?sent=1", http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{Form: map[string]string{"subject": in.Subject, "body": in.Body}}
	if _, ok := web.FormErrors(web.Lang(r), err, pd); !ok {
		return err
	}
	return a.showThreads(w, r, web.StatusOf(parcours.ErrorCode(err)), pd)
}

func (a *area) showThread(w http.ResponseWriter, r *http.Request, status int, pd *web.PageData) error {
	v, err := a.Services().Messaging.Get(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	pd.Title, pd.Data = "page.portal.thread", v
	if r.URL.Query().Get("sent") != "" && pd.Flash == "" {
		pd.Flash = "messaging.sent"
	}
	return a.Render(w, r, status, "portal_thread.html", pd)
}

func (a *area) pageThread(w http.ResponseWriter, r *http.Request) error {
	return a.showThread(w, r, http.StatusOK, &web.PageData{Form: map[string]string{}})
}

func (a *area) postMessage(w http.ResponseWriter, r *http.Request) error {
	file, done, err := a.attachment(w, r)
	if err != nil {
		return err
	}
	defer done()
	in := messaging.MessageInput{Body: r.PostFormValue("body"), File: file}
	m, err := a.Services().Messaging.Post(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/moi/messages/"+url.PathEscape(r.PathValue("id"))+"?sent=1#m-"+m.ID, http.StatusSeeOther)
		return nil
	}
	pd := &web.PageData{Form: map[string]string{"body": in.Body}}
	if _, ok := web.FormErrors(web.Lang(r), err, pd); !ok {
		return err
	}
	return a.showThread(w, r, web.StatusOf(parcours.ErrorCode(err)), pd)
}

func (a *area) pageAttachment(w http.ResponseWriter, r *http.Request) error {
	d, content, err := a.Services().Messaging.OpenAttachment(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		return err
	}
	defer content.Close()
	web.ServeDocument(w, d, content)
	return nil
}

func (a *area) apiThreads(w http.ResponseWriter, r *http.Request) error {
	v, err := a.Services().Messaging.List(r.Context(), web.MustActor(r), "")
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.Thread]{Items: v.Threads})
	return nil
}

func (a *area) apiCreateThread(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Subject string `json:"subject"`
		Body    string `json:"body"`
	}
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := a.Services().Messaging.Create(r.Context(), web.MustActor(r), "", messaging.CreateInput{Subject: in.Subject, Body: in.Body})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (a *area) apiThread(w http.ResponseWriter, r *http.Request) error {
	v, err := a.Services().Messaging.Get(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, struct {
		Thread   *parcours.Thread          `json:"thread"`
		Messages []*parcours.ThreadMessage `json:"messages"`
	}{v.Thread, v.Messages})
	return nil
}

func (a *area) apiPostMessage(w http.ResponseWriter, r *http.Request) error {
	var in messaging.MessageInput
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := a.Services().Messaging.Post(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, m)
	return nil
}
