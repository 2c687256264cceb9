package casefileweb

import (
	"net/http"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
)

func taskSchemas(s *Server) {
	s.schema("Task", object(
		[]string{"id", "organization_id", "person_id", "accompaniment_id", "journal_entry_id", "title", "due_date", "assignee_id", "status", "created_by", "created_at"},
		Schema{
			"id": str(), "organization_id": str(), "person_id": str(), "accompaniment_id": str(), "journal_entry_id": str(),
			"title": str(), "due_date": strFmt("date"), "assignee_id": str(),
			"status":     enum(parcours.TaskOpen, parcours.TaskDone, parcours.TaskCancelled),
			"created_by": str(), "created_at": strFmt("date-time"), "done_at": strFmt("date-time"),
		}))
	s.schema("TaskInput", object([]string{"title", "due_date"}, Schema{
		"title": str(), "due_date": strFmt("date"), "assignee_id": str(), "accompaniment_id": str(), "journal_entry_id": str(),
	}))
	s.schema("TaskUpdate", object([]string{"status"}, Schema{"status": enum(parcours.TaskOpen, parcours.TaskDone, parcours.TaskCancelled)}))
	s.schema("MyTasks", object([]string{"overdue", "today", "this_week"}, Schema{
		"overdue": arrayOf(ref("Task")), "today": arrayOf(ref("Task")), "this_week": arrayOf(ref("Task")),
	}))
}

func (s *Server) taskAPIRoutes() {
	taskSchemas(s)
	s.handle("POST", "/api/v1/persons/{id}/tasks", API, s.apiCreateTask,
		&Op{ID: "createTask", Summary: "Add a task to a person's file, possibly from a journal entry", Tag: "tasks", Request: "TaskInput", Response: "Task", Status: http.StatusCreated})
	s.handle("GET", "/api/v1/persons/{id}/tasks", API, s.apiListTasks,
		&Op{ID: "listTasks", Summary: "A person's tasks by due date", Tag: "tasks", Response: "Task", List: true,
			Query: append([]Param{{Name: "open", Type: "boolean", Description: "only open tasks"}}, pageParams...)})
	s.handle("GET", "/api/v1/tasks/mine", API, s.apiMyTasks,
		&Op{ID: "myTasks", Summary: "The caller's open tasks: overdue, due today, due later this week", Tag: "tasks", Response: "MyTasks"})
	s.handle("PATCH", "/api/v1/tasks/{id}", API, s.apiUpdateTask,
		&Op{ID: "updateTask", Summary: "Mark a task done, cancelled or open again", Tag: "tasks", Request: "TaskUpdate", Response: "Task"})
}

func (s *Server) apiCreateTask(w http.ResponseWriter, r *http.Request) error {
	var in casefile.TaskInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.CaseFile.CreateTask(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiListTasks(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageArgs(r)
	if err != nil {
		return err
	}
	open := r.URL.Query().Get("open") == "true"
	page, err := s.svc.CaseFile.Tasks(r.Context(), mustActor(r), r.PathValue("id"), open, cursor, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiMyTasks(w http.ResponseWriter, r *http.Request) error {
	mine, err := s.svc.CaseFile.Mine(r.Context(), mustActor(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mine)
	return nil
}

func (s *Server) apiUpdateTask(w http.ResponseWriter, r *http.Request) error {
	var in casefile.TaskUpdate
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.svc.CaseFile.UpdateTask(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
