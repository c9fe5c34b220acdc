## The layout

site-name = Helpdesk
skip-to-content = Skip to content
nav-main = Main
nav-all-tickets = All tickets
nav-my-tickets = My tickets
nav-new-ticket = New ticket
nav-saved-replies = Saved replies
nav-admin = Admin
nav-account = Account
nav-log-out = Log out
nav-log-in = Log in
nav-sign-up = Sign up

## Logging in, signing up, passwords

login-title = Log in
login-first-run = This help desk has no admin yet. The server printed a setup link (/setup?token=...) when it started: open it to create the first admin account. Restart the server for a new link.
login-draft = Your session has ended. Log in to carry on: what you wrote is kept.
login-draft-files = Your session has ended. Log in to carry on: what you wrote is kept (attach your files again afterwards).
field-email = Email
field-password = Password
field-name = Name
login-button = Log in
login-forgot = Forgot your password?
login-no-account = No account yet?
login-sign-up = Sign up
signup-title = Create your account
form-correct-below = Please correct the fields marked below.
password-hint = At least 8 characters.
signup-button = Sign up
signup-have-account = Already have an account?
signup-log-in = Log in
forgot-title = Forgot your password?
forgot-no-mail = Passwords cannot be reset by mail here. Ask an administrator to set a new one for you.
forgot-sent = If an account exists for { $address }, we have sent it a link to choose a new password. The link works once, for one hour.
forgot-back = Back to log in
forgot-intro = Enter your account's email address and we will mail you a link to choose a new password.
forgot-button = Mail me a link
reset-title = Choose a new password
reset-invalid = This link is no longer valid: it was used already, is more than an hour old, or was mistyped.
reset-ask-again = Ask for a new link
field-new-password = New password
field-new-password-again = New password again
reset-button = Set the new password
setup-title = Create the first admin
setup-intro = This one-time link creates the administrator account of this help desk.
setup-button = Create admin account
signup-link-invalid-title = This link is no longer valid
signup-link-invalid = It was used already, is more than a day old, or was mistyped.
signup-link-log-in = Log in
signup-link-or = or
signup-link-again = sign up again
signup-confirm-title = Confirm your account
signup-confirm-button = Confirm my account
signup-sent-title = Check your mail
signup-sent = We have sent a message to { $email }. Follow the link in it to finish signing up; it works for a day.

## Names

status-open = Open
status-pending = Pending
status-in-progress = In progress
status-resolved = Resolved
status-closed = Closed
status-cancelled = Cancelled
priority-low = Low
priority-medium = Medium
priority-high = High
priority-urgent = Urgent
role-customer = Customer
role-agent = Agent
role-admin = Admin

## Form fields and their problems

field-name-title = title
field-name-subject = subject
field-name-description = description
field-name-message = message
field-name-priority = priority
field-name-category = category
field-name-tags = tags
field-name-attachments = attachments
field-name-status = status
field-name-assignee = assignee
field-name-issue-url = issue URL
field-name-resolution = resolution
problem-required = This field is required.
problem-too-long = Must be at most { $max } characters.
problem-invalid = Choose a valid { $field }.
problem-too-many = At most { $max } { $field } are allowed.
problem-file-too-big = { $filename } is too big: each file may be at most 2 MiB.
problem-unknown = Refers to an unknown { $field }.
problem-taken = Another one already has this { $field }.

## Times

time-just-now = just now
time-minutes-ago = { $n ->
    [one] 1 minute ago
   *[other] { $n } minutes ago
}
time-hours-ago = { $n ->
    [one] 1 hour ago
   *[other] { $n } hours ago
}
time-yesterday = yesterday
time-days-ago = { $n } days ago

## Ticket lists

list-title-staff = Ticket queue
list-title-customer = My tickets
list-new-ticket = New ticket
list-search-and-filters = Search and filters
list-status-tabs = Filter by status
list-all = All
list-search = Search
list-search-placeholder = Words or a ticket number
list-category = Category
list-all-categories = All categories
list-priority = Priority
list-any-priority = Any priority
list-assignee = Assignee
list-anyone = Anyone
list-me = Me
list-unassigned = Unassigned
list-tag = Tag
list-any-tag = Any tag
list-sort = Sort by
list-sort-activity = Last activity
list-sort-created = Creation
list-sort-priority = Priority
list-filter = Filter
list-none-match = No tickets match these filters.
list-show-all = Show all tickets
list-none-staff = No tickets yet: they appear here as customers open them.
list-none-customer = No tickets here yet.
list-open-one = Open a ticket
list-caption = Tickets
list-select = Select
list-select-ticket = Select ticket { $number }
list-number = #
list-col-title = Title
list-col-status = Status
list-col-priority = Priority
list-col-category = Category
list-col-customer = Customer
list-col-assignee = Assignee
list-col-activity = Last activity
list-new-reply = New reply
list-bulk = With the selected tickets
list-bulk-all = { $n ->
    [one] The 1 ticket on this page
   *[other] All { $n } tickets on this page
}
list-bulk-assign = Assign
list-bulk-status = Set status
list-bulk-priority = Set priority
list-bulk-delete = Delete…
list-pages = Pages
list-first = First
list-previous = Previous
list-next = Next
list-last = Last
list-tickets = { $n ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
list-position = { $start }–{ $end } of { $total }
list-page-of = Page { $page } of { $pages }

## A new ticket

new-title = New ticket
new-not-saved = Nothing was saved. Please correct the fields marked below.
new-field-title = Title
new-field-category = Category
new-choose-category = Choose a category
new-field-priority = Priority
new-field-description = Description
new-field-tags = Tags
new-tags-hint = Comma separated, for example: billing, invoice
new-field-attachments = Attachments
new-attachments-hint = Up to 10 files, each at most 2 MiB.
new-attachments-again = Files are not kept when the form has errors: choose them again.
new-button = Open ticket

## A ticket's page

ticket-changed = This ticket changed since you opened it; nothing was saved.
ticket-changed-check = Check the changes below, then submit again.
ticket-conversation = Conversation
ticket-go-to-reply = Go to the reply form
ticket-earlier = { $n ->
    [one] Show 1 earlier message
   *[other] Show { $n } earlier messages
}
ticket-message-from = Message from { $name }
ticket-support = Support
ticket-internal-note = Internal note
ticket-new = New
ticket-attachments = Attachments
ticket-reply = Reply
ticket-reply-not-saved = Your reply was not saved. Please correct the fields marked below.
ticket-saved-reply = Saved reply
ticket-insert = Insert
ticket-message = Message
ticket-attachments-hint = Up to 10 files, each at most 2 MiB.
ticket-internal-check = Internal note (only staff can see it)
ticket-send = Send reply
ticket-finished = This ticket is { $status }. Reopen it to add a message.
ticket-details = Details
ticket-status = Status
ticket-priority = Priority
ticket-category = Category
ticket-tags = Tags
ticket-no-tags = None
ticket-customer = Customer
ticket-assignee = Assignee
ticket-unassigned = Unassigned
ticket-opened = Opened
ticket-activity = Last activity
ticket-github-issue = GitHub issue:
ticket-reopen = Reopen ticket
ticket-close = Close ticket
ticket-manage = Manage ticket
ticket-tags-hint = Comma separated
ticket-resolution = Resolution
ticket-save = Save changes
ticket-delete = Delete ticket…
ticket-github = Create GitHub issue
ticket-history = History
ticket-no-history = No changes yet.

## Bulk actions

bulk-select-one = Select at least one ticket.
bulk-invalid = Choose a valid value for the bulk action.
bulk-delete-title = Delete tickets?
bulk-delete-heading = { $n ->
    [one] Delete { $count } ticket?
   *[other] Delete { $count } tickets?
}
bulk-delete-explanation = They move to the trash, where an admin can restore them or delete them for good.
bulk-delete-button = Delete
bulk-deleted = { $n ->
    [one] Deleted { $count } ticket.
   *[other] Deleted { $count } tickets.
}
bulk-updated = { $n ->
    [one] Updated { $count } ticket.
   *[other] Updated { $count } tickets.
}

## The account page

account-title = Your account
account-tokens = API tokens
account-tokens-intro = Tokens let scripts use the JSON API as you:
account-new-token = Your new token.
account-copy-now = Copy it now: it will not be shown again.
account-new-token-label = New API token
account-no-tokens = You have no API tokens.
account-token-name-col = Name
account-token-created = Created
account-token-used = Last used
account-never = never
account-actions = Actions
account-revoke = Revoke
account-token-name = Token name
account-token-placeholder = e.g. CI script
account-create-token = Create token
account-mail = Mail notifications
account-mail-about = Mail me about
account-mail-off = (turned off for everyone by an admin)
account-mail-save = Save notifications
account-language-zone = Language and time zone
account-language = Language
account-language-browser = The browser's language
account-language-save = Save language
account-language-saved = Your language was saved.
account-language-invalid = Choose a language from the list.
account-zone = Show times in
account-zone-save = Save time zone
account-password = Change password
account-password-intro = Changing your password logs out every other session.
account-password-current = Current password
account-password-button = Change password
notify-ticket-received = Ticket received (to the customer)
notify-staff-reply = Staff replies (to the customer)
notify-ticket-closed = Ticket resolved or closed by staff (to the customer)
notify-assigned = Ticket assigned to you (to the agent)
notify-customer-reply = Customer replied (to the assignee)
notify-new-ticket = New ticket (to every agent)

## Errors

error-title-400 = Bad Request
error-title-403 = Forbidden
error-title-404 = Not Found
error-title-409 = Conflict
error-title-413 = Payload Too Large
error-title-422 = Unprocessable Content
error-title-429 = Too Many Requests
error-title-500 = Internal Server Error
error-title-502 = Bad Gateway
error-title-503 = Service Unavailable
error-not-found = Page not found
error-forbidden = You are not allowed to do that
error-csrf = The form expired or came from another site. Go back, reload the page and try again.
error-unavailable = The help desk cannot save changes right now (its storage is full or failing). Nothing was saved. Please try again in a few minutes.
error-internal = Something went wrong on our side. Please try again in a moment.
error-open-limit = You already have { $limit } open tickets. Close one before opening another.
error-ticket-closed = This ticket is closed. Reopen it to add a message.
error-stale = The ticket changed while you were editing. Reload it and try again.
error-escalated = This ticket already has a GitHub issue.
error-github-off = GitHub integration is not configured: an admin sets it up in Settings.
error-github-failed = GitHub did not create the issue ({ $cause }). Nothing was changed; try again later.
error-back = Back to the help desk
confirm-cancel = Cancel
error-unsaved = The help desk cannot save changes right now (its storage is full or failing). Nothing was saved. Please try again in a few minutes. Your text is kept below.
error-form-unreadable = The form could not be read: { $cause }
error-choose-status = Choose a valid status.
error-throttled = Too many requests. Try again in { $minutes } minutes.
error-login-locked = Too many failed attempts. Try again in { $minutes } minutes.
error-login-wrong = Email or password is incorrect.

## Account problems

account-error-email-missing = Enter your email address.
account-error-email-invalid = Enter a valid email address, like name@example.com.
account-error-email-taken = An account with this email already exists.
account-error-password-short = Use at least { $max } characters.
account-error-too-long = Use at most { $max } characters.
account-error-name-missing = Enter your name.
account-error-password-failed = The password could not be stored. Please try again.
account-error-mismatch = The two passwords do not match.
account-error-zone = Choose a time zone from the list.
account-error-current = Your current password is not correct.
account-error-signup-throttled = Too many sign-ups from your network. Try again in { $minutes } minutes.
account-error-token-name = Give the token a name of 1 to { $max } characters.

## Messages after an action

flash-welcome = Welcome! Your account is ready.
flash-password-reset = Your password was changed. Log in with the new one.
flash-logged-out = You have been logged out.
flash-zone-saved = Your time zone was saved.
flash-notifications-saved = Your notifications were saved.
flash-password-changed = Your password was changed. Other sessions were logged out.
flash-token-revoked = The token was revoked.
flash-admin-ready = Your admin account is ready.
flash-nothing-changed = Nothing to change.
flash-ticket-updated = The ticket was updated.
flash-note-added = Your internal note was added.
flash-message-added = Your message was added.
flash-ticket-trashed = Ticket #{ $number } was moved to the trash.
flash-status-already = The ticket is already { $status }.
flash-reopened = The ticket was reopened.
flash-status-now = The ticket is now { $status }.
flash-github-created = GitHub issue #{ $number } was created.
flash-ticket-opened = Ticket #{ $number } was opened.
ticket-delete-title = Delete ticket?
ticket-delete-heading = Delete ticket #{ $number }?
ticket-delete-explanation = "{ $title }" moves to the trash, where an admin can restore it or delete it for good.
ticket-delete-button = Delete ticket
draft-reply = You are logged in again. Your reply is below as you wrote it: check it and press Send reply.
draft-reply-files = You are logged in again. Your reply is below as you wrote it: check it and press Send reply. Attach your files again: { $files }.
draft-ticket = You are logged in again. Your new ticket is below as you wrote it: check it and press Open ticket.
draft-ticket-files = You are logged in again. Your new ticket is below as you wrote it: check it and press Open ticket. Attach your files again: { $files }.
