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
problem-nul = Must not contain NUL characters.

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

## Administration
admin-users-search = Search by name or email
admin-all-roles = All roles
admin-users-pages = Pages of users
admin-newest = Newest
admin-older-users = Older users
admin-deactivated = Deactivated
admin-active = Active
admin-change = Change
admin-deactivate = Deactivate
admin-reactivate = Reactivate
admin-create-user-title = Create a user
admin-initial-password = Initial password
admin-create-user = Create user
admin-name = Name
admin-email = Email
admin-role = Role
admin-status = Status
admin-created = Created
admin-actions = Actions
admin-search = Search
admin-users = Users
admin-categories-intro = A category used by tickets cannot be deleted, only deactivated (hidden from new tickets).
admin-new-category = New category
admin-description = Description
admin-save = Save
admin-delete = Delete
admin-slug = Slug
admin-create = Create
admin-categories = Categories
admin-tags-intro = A deactivated tag stays on its tickets but is no longer offered.
admin-new-tag = New tag
admin-keyword = Keyword
admin-tags = Tags
admin-keys-intro = Integration keys authenticate the epixel-style API (apikey header).
admin-new-key-notice = Your new key. Copy it now: it will not be shown again.
admin-new-key = New integration key
admin-no-keys = No integration keys yet. Create one below for each system that calls the epixel API; it is shown once.
admin-revoke = Revoke
admin-key-name = Key name
admin-create-key = Create key
admin-keys = Integration keys
admin-limit = Open tickets per customer
admin-repo = GitHub repository
admin-repo-placeholder = owner/name
admin-repo-hint = Escalated tickets become issues here. Leave empty to turn escalation off.
admin-github-token = GitHub token
admin-token-saved = A token is saved; it is never shown. Type a new one to replace it.
admin-no-token = No token is saved.
admin-save-settings = Save settings
admin-settings = Settings
admin-trash-empty = The trash is empty.
admin-deleted-tickets = Deleted tickets
admin-deleted-by = Deleted by
admin-deleted = Deleted
admin-restore = Restore
admin-purge = Delete for good
admin-title-col = Title
admin-customer = Customer
admin-trash = Trash

## Administration messages
admin-mail = Mail
admin-purge-title = Delete for good?
replies-title = Saved replies
replies-edit-title = Edit saved reply
replies-delete-title = Delete saved reply
admin-error-role = Choose a valid role.
admin-error-own-role = You cannot remove your own admin role.
admin-flash-role = The role was changed.
admin-error-self = You cannot deactivate yourself.
admin-flash-reactivated = The user was reactivated.
admin-flash-deactivated = The user was deactivated; their sessions and API tokens ended.
admin-flash-category-created = The category was created.
admin-flash-category-saved = The category was saved.
admin-error-category-used = This category is used by tickets: deactivate it instead.
admin-flash-category-deleted = The category was deleted.
admin-flash-tag-created = The tag was created.
admin-flash-tag-saved = The tag was saved.
admin-flash-key-revoked = The key was revoked.
admin-error-limit = The open-ticket limit must be a whole number from 1 to 10000.
admin-error-repo = The GitHub repository must look like owner/name.
admin-flash-settings = The settings were saved.
admin-error-no-mail = Mail is not configured: there is nothing to test.
admin-error-test-address = Enter an email address like name@example.com.
admin-flash-test-mail = A test mail was queued; its line in the outbox shows how it went.
admin-error-new-ticket-mail = Choose who gets mail about new tickets.
admin-error-unknown-senders = Choose what happens to mail from unknown senders.
admin-flash-notifications = The notifications were saved.
admin-flash-retry = The mail will be tried again now.
admin-purge-explanation = Its messages and files are erased and cannot be restored.
replies-flash-created = The saved reply was created.
replies-flash-saved = The saved reply was saved.
replies-flash-deleted = The saved reply was deleted.
admin-nav = Administration
admin-users-count = { $n ->
    [one] { $count } user
   *[other] { $count } users
}
admin-flash-user-created = { $name } ({ $role }) was created.
admin-error-category-new = A category needs a name and a unique slug of letters, digits, _ or -.
admin-error-category-name = A category needs a name.
admin-error-tag = A tag needs a unique name of 1 to 50 characters.
admin-error-key-name = Give the key a name of 1 to { $max } characters.
admin-flash-restored = Ticket #{ $number } was restored.
admin-purge-heading = Delete ticket #{ $number } for good?
admin-flash-purged = Ticket #{ $number } was deleted for good.
admin-role-of = Role of { $name }

## History

history-field-status = status
history-field-priority = priority
history-field-category = category
history-field-title = title
history-field-subject = subject
history-field-tags = tags
history-field-resolution = resolution
history-field-issue-url = GitHub issue
history-changed-from-to = changed the { $what } from { $from } to { $to }
history-set-to = set the { $what } to { $to }
history-cleared = cleared the { $what } (was { $from })
history-changed = changed the { $what }
history-created = opened the ticket
history-deleted = moved the ticket to the trash
history-restored = restored the ticket from the trash
history-assigned = assigned it to { $name }
history-unassigned = unassigned it

## Mail administration
mail-settings = Settings in effect
mail-smtp = SMTP server
mail-sender = Sender
mail-links = Links point to
mail-test-to = Send a test mail to
mail-test = Send test mail
mail-kinds-legend = Send these notifications (each user can still turn them off for themself)
mail-new-ticket = Mail about new tickets
mail-new-unassigned = to every agent and admin, unless someone took the ticket first
mail-new-all = to every agent and admin
mail-new-off = to no one
mail-unknown = Mail from addresses without an account
mail-unknown-accept = opens a ticket and a customer account (without a password)
mail-unknown-refuse = is refused (the sender's mail server bounces it)
mail-save = Save notifications
mail-kinds = Notifications
mail-outbox = Outbox
mail-none = No mail yet.
mail-caption = The newest mails, newest first
mail-queued-col = Queued
mail-kind = Kind
mail-to = To
mail-ticket = Ticket
mail-state = State
mail-attempts = Attempts
mail-last-error = Last error
replies-intro = Shared by every agent and admin. Insert one into a reply from a ticket's page; these placeholders are filled in:
replies-none = No saved replies yet. Write the first one below.
replies-delete = Delete
replies-title-col = Title
replies-text = Text
replies-changed = Changed
replies-new = New saved reply
replies-not-saved = The saved reply was not saved. Please correct the fields marked below.
replies-all = All saved replies
replies-delete-explanation = The saved reply is deleted for the whole team. Replies already sent with it stay as they are.
replies-keep = Keep it
mail-not-configured = Mail is not configured: no notification is sent or queued. To send mail, start the server with:
mail-state-sent = sent
mail-state-given-up = given up
mail-state-failing = failing
mail-state-queued = queued
mail-retry = Retry now
replies-placeholder-customer = the customer's name
replies-placeholder-number = the ticket's number
replies-placeholder-title = the ticket's title
replies-placeholder-agent = your name
replies-delete-heading = Delete “{ $title }”?

## Mail

mail-hello = Hello,
mail-hello-name = Hello { $name },
mail-test-subject = Test mail from the help desk
mail-test-lead = This is a test mail sent from the help desk's mail settings. If you can read it, mail works.
mail-open-desk = Open the help desk
mail-open-ticket = Open the ticket
mail-ticket-received = We have received your ticket #{ $number }, "{ $title }". We will answer here and by mail.
mail-staff-reply = { $author } replied to your ticket #{ $number }:
mail-ticket-closed = Your ticket #{ $number } has been resolved or closed. Reply to this mail or open the ticket to reopen it.
mail-assigned = Ticket #{ $number }, "{ $title }", was assigned to you.
mail-customer-reply = { $author } replied to ticket #{ $number }:
mail-files-refused = Some files of your mail on ticket #{ $number } were not accepted: { $files }. Files may be up to 2 MiB each, at most 10 a message; add them on the ticket's page instead.
mail-reset-subject = Reset your password
mail-reset-lead = Someone, hopefully you, asked to reset the password of your help desk account. The link below works once, for one hour. If it was not you, ignore this mail: your password stays as it is.
mail-reset-link = Choose a new password
mail-confirm-subject = Confirm your help desk account
mail-confirm-lead = Someone, hopefully you, signed up for the help desk with this address. Follow the link below (within a day) to confirm it and start using your account. If it was not you, ignore this mail and no account will be made.
mail-confirm-link = Confirm my account
mail-existing-subject = Someone tried to sign up with your address
mail-existing-lead = Someone tried to sign up for the help desk with this address, which already has an account. If it was you and you forgot your password, choose a new one with the link below (it works once, for one hour). Otherwise ignore this mail: nothing has changed.
mail-footer-ticket = Reply to this mail to answer on ticket #{ $number }. Sent by the help desk.
mail-footer = Sent by the help desk.
mail-notice-new-ticket = A new ticket was opened: #{ $number }, "{ $title }".
mail-attachments = Attachments:
stale-added-note = { $name } added an internal note.
stale-added-message = { $name } added a message.
stale-changed = The ticket was changed by someone else.
error-upload-too-large = The upload is too large: each file may be at most 2 MiB, and at most 10 files at once.
size-bytes = { $n ->
    [one] { $count } byte
   *[other] { $count } bytes
}
