package casefileweb

import (
	"net/http"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

func taskSchemas(s *Server) {
	s.Schema("Task", web.Object(
		[]string{"id", "organization_id", "person_id", "accompaniment_id", "journal_entry_id", "title", "due_date", "assignee_id", "status", "created_by", "created_at"},
		web.Schema{
			"id": web.Str(), "organization_id": web.Str(), "person_id": web.Str(), "accompaniment_id": web.Str(), "journal_entry_id": web.Str(),
			"title": web.Str(), "due_date": web.StrFmt("date"), "assignee_id": web.Str(),
			"status":     web.Enum(parcours.TaskOpen, parcours.TaskDone, parcours.TaskCancelled),
			"created_by": web.Str(), "created_at": web.StrFmt("date-time"), "done_at": web.StrFmt("date-time"),
		}))
	s.Schema("TaskInput", web.Object([]string{"title", "due_date"}, web.Schema{
		"title": web.Str(), "due_date": web.StrFmt("date"), "assignee_id": web.Str(), "accompaniment_id": web.Str(), "journal_entry_id": web.Str(),
	}))
	s.Schema("TaskUpdate", web.Object([]string{"status"}, web.Schema{"status": web.Enum(parcours.TaskOpen, parcours.TaskDone, parcours.TaskCancelled)}))
	s.Schema("MyTasks", web.Object([]string{"overdue", "today", "this_week"}, web.Schema{
		"overdue": web.ArrayOf(web.Ref("Task")), "today": web.ArrayOf(web.Ref("Task")), "this_week": web.ArrayOf(web.Ref("Task")),
	}))
}

func (s *Server) taskAPIRoutes() {
	taskSchemas(s)
	s.Handle("POST", "/api/v1/persons/{id}/tasks", web.API, s.apiCreateTask,
		&web.Op{ID: "createTask", Summary: "Add a task to a person's file, possibly from a journal entry", Tag: "tasks", Request: "TaskInput", Response: "Task", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/tasks", web.API, s.apiListTasks,
		&web.Op{ID: "listTasks", Summary: "A person's tasks by due date", Tag: "tasks", Response: "Task", List: true,
			Query: append([]web.Param{{Name: "open", Type: "boolean", Description: "only open tasks"}}, web.PageParams...)})
	s.Handle("GET", "/api/v1/tasks/mine", web.API, s.apiMyTasks,
		&web.Op{ID: "myTasks", Summary: "The caller's open tasks: overdue, due today, due later this week", Tag: "tasks", Response: "MyTasks"})
	s.Handle("PATCH", "/api/v1/tasks/{id}", web.API, s.apiUpdateTask,
		&web.Op{ID: "updateTask", Summary: "Mark a task done, cancelled or open again", Tag: "tasks", Request: "TaskUpdate", Response: "Task"})
}

func (s *Server) apiCreateTask(w http.ResponseWriter, r *http.Request) error {
	var in casefile.TaskInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.CaseFile.CreateTask(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiListTasks(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	open := r.URL.Query().Get("open") == "true"
	page, err := s.svc.CaseFile.Tasks(r.Context(), web.MustActor(r), r.PathValue("id"), open, cursor, limit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiMyTasks(w http.ResponseWriter, r *http.Request) error {
	mine, err := s.svc.CaseFile.Mine(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, mine)
	return nil
}

func (s *Server) apiUpdateTask(w http.ResponseWriter, r *http.Request) error {
	var in casefile.TaskUpdate
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.CaseFile.UpdateTask(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, t)
	return nil
}
